/**
 * The devsecrets library API: load the validated environment of a project from its
 * store, the way `devsecrets run` builds it, for tools that cannot wrap a command.
 */
import * as z from 'zod/mini';
import { buildChildEnv } from './core/build-child-env.js';
import { environmentRefusal, evaluateValues } from './core/evaluate.js';
import { manifestSchema } from './core/manifest-schema.js';
import { valuesOf } from './core/store-document.js';
import { loadManifest } from './adapters/manifest-file.js';
import { openStore } from './adapters/store.js';

export { DevsecretsError, ExitCode, type ErrorCode, type Issue } from './core/errors.js';
export type { Manifest } from './core/manifest-model.js';
export type { ManifestDocument, VarSpec, VarType } from './core/manifest-schema.js';

export interface LoadEnvOptions {
  /** Where to look for devsecrets.json (walks up). Default: `process.cwd()`. */
  cwd?: string;
  /** An explicit manifest path. */
  manifest?: string;
  /** Used to find the identity (`DEVSECRETS_*`). Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Decrypts the project's store in memory and returns the manifest variables' values,
 * validated exactly as `devsecrets run` validates them.
 * @throws DevsecretsError with `exitCode` 3 for invalid or insecure values, 4 for store or identity problems.
 */
export async function loadEnv(options: LoadEnvOptions = {}): Promise<Record<string, string>> {
  const env = options.env ?? process.env;
  const manifest = await loadManifest(options.cwd ?? process.cwd(), options.manifest);
  const { document } = await openStore(manifest.root, env);
  const child = buildChildEnv({ manifest, values: valuesOf(document), inherited: {}, isolate: true });
  const refusal = environmentRefusal(evaluateValues(manifest, child.resolved), child.unknown);
  if (refusal !== undefined) throw refusal;
  const values: Record<string, string> = {};
  for (const name of Object.keys(manifest.vars)) {
    const value = child.env[name];
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** The JSON Schema of `devsecrets.json`, generated from the same definition that validates it. */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(manifestSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}
