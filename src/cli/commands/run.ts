/** `devsecrets run [--prefer-env] [--isolate] [--ephemeral] -- CMD [ARGS...]` */
import { buildChildEnv } from '../../core/build-child-env.js';
import { DevsecretsError } from '../../core/errors.js';
import { manifestFromDocument, type Manifest } from '../../core/manifest-model.js';
import { basename } from 'node:path';
import { expiryError, hasCurrentStamp, valuesOf, versionDriftError, type StoreDocument } from '../../core/store-document.js';
import { runChild } from '../../adapters/child-process.js';
import { checkManifestFile, readManifestFile, type ManifestFile } from '../../adapters/manifest-file.js';
import { openStore, recordAccess } from '../../adapters/vault.js';
import type { CommandContext } from '../context.js';

export interface RunOptions {
  preferEnv?: boolean;
  isolate?: boolean;
  ephemeral?: boolean;
  allowExpired?: boolean;
}

export default async function run(context: CommandContext, command: string[], options: RunOptions): Promise<number> {
  const file = readManifestFile(context.cwd, context.manifestPath);
  let manifest: Manifest;
  let values: Record<string, string>;
  let checked = false;
  let document: StoreDocument | undefined;
  if (options.ephemeral) {
    manifest = await checkManifestFile(file);
    values = await ephemeralValues(manifest);
  } else {
    ({ document } = await openStore(file.root, context.env).catch(async (error: unknown) => {
      // A broken manifest is the first thing to fix, so it is reported before a store problem.
      await checkManifestFile(file);
      throw error;
    }));
    // The stamp says these values passed every check against these exact manifest bytes
    // when the store was written; only inherited values (--prefer-env) would need a look.
    checked = !options.preferEnv && hasCurrentStamp(document, file.textSha256);
    manifest = checked ? trustedManifest(file) : await checkManifestFile(file);
    const drift = versionDriftError(document, manifest.version);
    if (drift !== undefined) throw drift;
    const expired = expiryError(document, new Date());
    if (expired !== undefined && !options.allowExpired) throw expired;
    if (expired !== undefined) context.output.warn(`${expired.message}; running anyway because of --allow-expired — rotate it soon`);
    values = valuesOf(document);
  }
  const child = buildChildEnv({
    manifest,
    values,
    inherited: context.env,
    preferEnv: options.preferEnv === true,
    isolate: options.isolate === true,
  });
  if (!checked) {
    const { environmentRefusal, evaluateValues } = await import('../../core/evaluate.js');
    const refusal = environmentRefusal(evaluateValues(manifest, child.resolved), child.unknown);
    if (refusal !== undefined) throw refusal;
  }
  for (const name of child.overridden) context.output.info(`${name}: the store's value overrides the inherited one`);
  for (const name of child.kept) context.output.info(`${name}: keeping the inherited value (--prefer-env)`);

  const [executable, ...args] = command as [string, ...string[]];
  // The entry is written while the child starts, so the log costs `run` no start-up time.
  const recorded = document === undefined ? undefined : recordAccess(file.root, document, {
    action: 'run',
    vars: Object.keys(manifest.vars).filter((name) => child.env[name] !== undefined),
    command: basename(executable),
  }).catch((error: unknown) => {
    context.output.warn(`could not write the audit entry (${(error as Error).message})`);
  });
  const outcome = await runChild(executable, args, child.env);
  await recorded;
  if (outcome.kind === 'exited') return outcome.status;
  const notFound = outcome.kind === 'not-found';
  context.output.error(new DevsecretsError('FAILURE', notFound ? `command not found: ${executable}` : `command is not executable: ${executable}`, {
    hint: notFound ? 'check the spelling and your PATH' : `check its permissions (chmod +x ${executable})`,
  }));
  return notFound ? 127 : 126;
}

/** The manifest of a stamped store: its bytes were fully checked when the store was written. */
function trustedManifest(file: ManifestFile): Manifest {
  return manifestFromDocument(JSON.parse(file.text), file.path, file.root, file.textSha256);
}

/** `--ephemeral`: fakes from a throwaway seed, in memory only. */
async function ephemeralValues(manifest: Manifest): Promise<Record<string, string>> {
  const { randomBytes } = await import('node:crypto');
  const { generateFake } = await import('../../core/types/index.js');
  const seed = randomBytes(32);
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) values[name] = generateFake(name, spec, seed);
  return values;
}
