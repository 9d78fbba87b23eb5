/**
 * The devsecrets library API: one typed retrieval interface for an app's configuration,
 * the same locally and in production. `loadEnv()` reads the project's store (the local
 * side, as `devsecrets run` does); `loadEnv({ from })` reads a production provider
 * (`aws-sm://…`, `vault://…`, `doppler://…`; `mock://SEED` for tests) under the production
 * rules. Either way the result is the manifest's variables, validated, coerced to their
 * types and frozen.
 */
import * as z from 'zod/mini';
import { buildChildEnv } from './core/build-child-env.js';
import { environmentRefusal, evaluateValues, type Side } from './core/evaluate.js';
import type { Manifest } from './core/manifest-model.js';
import { manifestSchema, type VarSpec } from './core/manifest-schema.js';
import { sha256Hex } from './core/digest.js';
import { valuesOf } from './core/store-document.js';
import { loadManifest } from './adapters/manifest-file.js';
import { openStore } from './adapters/store.js';

export { DevsecretsError, ExitCode, type ErrorCode, type Issue } from './core/errors.js';
export type { Manifest } from './core/manifest-model.js';
export type { ManifestDocument, VarSpec, VarType } from './core/manifest-schema.js';

export interface LoadEnvOptions {
  /**
   * Read a production provider instead of the local store: `aws-sm://SECRET_ID`,
   * `vault://MOUNT/PATH`, `doppler://PROJECT/CONFIG`, or `mock://SEED` (the manifest's
   * fakes for that seed, for an app's tests: no store, no keychain, no network).
   */
  from?: string;
  /** Where to look for devsecrets.json (walks up). Default: `process.cwd()`. */
  cwd?: string;
  /** An explicit manifest path. */
  manifest?: string;
  /**
   * The environment devsecrets reads its own settings from: `DEVSECRETS_*` to find the
   * identity, a provider's credentials (`AWS_*`, `VAULT_*`, `DOPPLER_*`). Default: `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * How long a provider's values are kept in memory and reused, in milliseconds; 0 reads the
   * provider every time. Default: 5 minutes. Never on disk. The local store is read every time.
   */
  cacheTtl?: number;
}

/** A variable's value once read: numbers for int/number/port, booleans for bool, parsed JSON for json, else text. */
export type EnvValue = string | number | boolean | null | readonly EnvValue[] | { readonly [key: string]: EnvValue };

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;

/**
 * Provider reads still fresh, by provider reference, manifest and the environment the read
 * used (its credentials, address and region; as a digest): values in memory only.
 */
const cache = new Map<string, { expires: number; values: Readonly<Record<string, string>> }>();

/**
 * The project's configuration: the manifest's variables, validated (every problem listed at
 * once), coerced to their types and frozen. From the local store by default, with the local
 * rules, exactly as `devsecrets run` builds the child's environment; from a provider with
 * `from`, under the production rules (a `mock://` provider's fakes under the local ones).
 * Type it with the `Env` interface `devsecrets schema --format dts` writes:
 * `await loadEnv<Env>()`.
 *
 * @throws DevsecretsError exit code 3 for an invalid manifest or invalid, insecure or fake
 *   values; 4 for store, identity or provider problems (`STORE_MISSING`, `PROVIDER_NOT_FOUND`, …);
 *   2 for a malformed provider reference
 */
export async function loadEnv<T extends object = Readonly<Record<string, EnvValue>>>(options: LoadEnvOptions = {}): Promise<Readonly<T>> {
  const env = options.env ?? process.env;
  const manifest = await loadManifest(options.cwd ?? process.cwd(), options.manifest);
  const { values, side } = options.from === undefined
    ? { values: valuesOf((await openStore(manifest.root, env)).document), side: 'local' as const }
    : await providerValues(options.from, manifest, env, options.cacheTtl ?? DEFAULT_CACHE_TTL_MS);
  const child = buildChildEnv({ manifest, values, inherited: {}, isolate: true });
  const refusal = environmentRefusal(evaluateValues(manifest, child.resolved, side), side === 'local' ? child.unknown : []);
  if (refusal !== undefined) throw refusal;
  const typed: Record<string, EnvValue> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const value = child.env[name];
    if (value !== undefined) typed[name] = coerce(spec, value);
  }
  return Object.freeze(typed) as Readonly<T>;
}

async function providerValues(from: string, manifest: Manifest, env: NodeJS.ProcessEnv, ttl: number): Promise<{ values: Readonly<Record<string, string>>; side: Side }> {
  const { parseProviderRef, readProvider } = await import('./adapters/providers/index.js');
  const ref = parseProviderRef(from);
  const side: Side = ref.scheme === 'mock' ? 'local' : 'production';
  const key = `${ref.text}\0${manifest.path}\0${environmentDigest(env)}`;
  const now = Date.now();
  for (const [cached, entry] of cache) if (entry.expires <= now) cache.delete(cached);
  const fresh = ttl > 0 ? cache.get(key) : undefined;
  if (fresh !== undefined) return { values: fresh.values, side };
  const { values } = await readProvider(ref, { manifest, env });
  if (ttl > 0) cache.set(key, { expires: now + ttl, values: Object.freeze({ ...values }) });
  return { values, side };
}

/** A digest of every variable of `env`: another token, address or region is another read. */
function environmentDigest(env: NodeJS.ProcessEnv): string {
  return sha256Hex(JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** A validated value as the app uses it. */
function coerce(spec: VarSpec, value: string): EnvValue {
  switch (spec.type) {
    case 'int':
    case 'number':
    case 'port':
      return Number(value);
    case 'bool':
      return value === 'true';
    case 'json':
      return deepFreeze(JSON.parse(value) as EnvValue);
    default:
      return value;
  }
}

function deepFreeze(value: EnvValue): EnvValue {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item as EnvValue);
    Object.freeze(value);
  }
  return value;
}

/** The JSON Schema of `devsecrets.json`, generated from the same definition that validates it. */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(manifestSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}
