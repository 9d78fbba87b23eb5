/** `devsecrets run [--redact] [--prefer-env] [--isolate] [--ephemeral] [--allow-expired] -- CMD [ARGS...]` */
import { basename } from 'node:path';
import { buildChildEnv, type ChildEnv } from '../../core/build-child-env.js';
import { DevsecretsError } from '../../core/errors.js';
import { manifestFromDocument, type Manifest } from '../../core/manifest-model.js';
import { expiryError, stampCovers, valuesOf, versionDriftError, type StoreDocument } from '../../core/store-document.js';
import { canExecChild, execChild, runChild, type ChildOutcome } from '../../adapters/child-process.js';
import { checkManifestFile, readManifestFile, type ManifestFile } from '../../adapters/manifest-file.js';
import { openStore, recordAccess } from '../../adapters/store.js';
import { sha256Hex } from '../../core/digest.js';
import type { CommandContext } from '../context.js';

export interface RunOptions {
  redact?: boolean;
  preferEnv?: boolean;
  isolate?: boolean;
  ephemeral?: boolean;
  allowExpired?: boolean;
}

/** Where the values come from, and whether the store's stamp already vouches for them. */
interface Source {
  manifest: Manifest;
  values: Record<string, string>;
  /** The store's stamp covers these values and this manifest: no need to check again. */
  checked: boolean;
  /** The opened store (absent with --ephemeral). */
  document?: StoreDocument;
  /** Why the store must not be used as it is (expired, synced with an older manifest). */
  refusal?: DevsecretsError;
}

export default async function run(context: CommandContext, command: string[], options: RunOptions): Promise<number> {
  const file = readManifestFile(context.cwd, context.manifestPath);
  const { manifest, values, checked, document, refusal } = options.ephemeral ? await ephemeralSource(file) : await storeSource(context, file, options);
  const child = buildChildEnv({
    manifest,
    values,
    inherited: context.env,
    preferEnv: options.preferEnv === true,
    isolate: options.isolate === true,
  });
  const [executable, ...args] = command as [string, ...string[]];
  const audit = async (vars: string[], refused?: DevsecretsError): Promise<void> => {
    if (document === undefined) return;
    await recordAccess(file.root, document, { action: 'run', vars, command: basename(executable), ...(refused ? { refused: refused.code } : {}) }).catch((error: unknown) => {
      context.output.warn(`could not write the audit entry (${(error as Error).message})`);
    });
  };
  // The stamp vouches for the store's values only, not for one inherited in place of a missing optional value.
  const refused = refusal ?? (checked && child.fromEnv.length === 0 ? undefined : await valuesRefusal(manifest, child));
  if (refused !== undefined) {
    // The store was decrypted all the same: that access is recorded, with why it went no further.
    await audit(Object.keys(document?.vars ?? {}), refused);
    throw refused;
  }
  for (const name of child.overridden) context.output.info(`${name}: the store's value overrides the inherited one`);
  for (const name of child.kept) context.output.info(`${name}: keeping the inherited value (--prefer-env)`);

  const used = Object.keys(manifest.vars).filter((name) => child.env[name] !== undefined);
  let outcome: ChildOutcome;
  if (options.redact !== true && canExecChild()) {
    // Becoming the child: nothing of ours runs afterwards, so the entry is written and what
    // was said has reached stderr first, and stdio is left as the child expects it.
    await audit(used);
    await context.output.handOver();
    outcome = await execChild(executable, args, child.env);
  } else {
    // Spawned first: the audit entry is then written while the child starts, on the other
    // core, so the log costs `run` next to no start-up time.
    const running = options.redact === true ? runRedacted(executable, args, manifest, child.env) : runChild(executable, args, child.env);
    await audit(used);
    outcome = await running;
  }
  if (outcome.kind === 'exited') return outcome.status;
  const notFound = outcome.kind === 'not-found';
  context.output.error(new DevsecretsError('FAILURE', notFound ? `command not found: ${executable}` : `command is not executable: ${executable}`, {
    hint: notFound ? 'check the spelling and your PATH' : `check its permissions (chmod +x ${executable})`,
  }));
  return notFound ? 127 : 126;
}

/** `--redact`: the child's output comes through devsecrets, without its secrets. Loaded only then. */
async function runRedacted(executable: string, args: string[], manifest: Manifest, env: Record<string, string>): Promise<ChildOutcome> {
  const { keepColour, redactingOutput } = await import('../../adapters/redacting-pipe.js');
  const { redactedSecrets } = await import('../../core/redactor.js');
  return runChild(executable, args, keepColour(env), { output: redactingOutput(redactedSecrets(manifest, env)) });
}

/** Why the child's environment must not be used (a missing, invalid, insecure or unknown variable), or undefined. */
async function valuesRefusal(manifest: Manifest, child: ChildEnv): Promise<DevsecretsError | undefined> {
  const { environmentRefusal, evaluateValues } = await import('../../core/evaluate.js');
  return environmentRefusal(evaluateValues(manifest, child.resolved), child.unknown);
}

/** The store's values, with a refusal when expired (unless --allow-expired) or synced with an older manifest version. */
async function storeSource(context: CommandContext, file: ManifestFile, options: RunOptions): Promise<Source> {
  const { document } = await openStore(file.root, context.env).catch(async (error: unknown) => {
    // A broken manifest is the first thing to fix, so it is reported before a store problem.
    await checkManifestFile(file);
    throw error;
  });
  // The stamp says these values passed every check against these exact manifest bytes
  // when devsecrets wrote them; only inherited values (--prefer-env) would need a look.
  const textSha256 = sha256Hex(file.text);
  const checked = !options.preferEnv && stampCovers(document, textSha256);
  const manifest = checked ? trustedManifest(file, textSha256) : await checkManifestFile(file);
  const source = { manifest, values: valuesOf(document), checked, document };
  const drift = versionDriftError(document, manifest.version);
  if (drift !== undefined) return { ...source, refusal: drift };
  const expired = expiryError(document, new Date());
  if (expired !== undefined && !options.allowExpired) return { ...source, refusal: expired };
  if (expired !== undefined) context.output.warn(`${expired.message}; running anyway because of --allow-expired — rotate it soon`);
  return source;
}

/** The manifest of a stamped store: its bytes were fully checked when the store was written. */
function trustedManifest(file: ManifestFile, textSha256: string): Manifest {
  return manifestFromDocument(JSON.parse(file.text), file.path, file.root, textSha256);
}

/**
 * `--ephemeral`: fakes from a throwaway seed, in memory only. Variables that get no fake
 * (loader-control, `"fake": false`) have none: their manifest default, or an inherited
 * value, stands in.
 */
async function ephemeralSource(file: ManifestFile): Promise<Source> {
  const manifest = await checkManifestFile(file);
  const { randomBytes } = await import('node:crypto');
  const { generateFake } = await import('../../core/types/index.js');
  const { fakeableVars } = await import('../../core/seed-store.js');
  const seed = randomBytes(32);
  const values: Record<string, string> = {};
  for (const [name, spec] of fakeableVars(manifest)) values[name] = generateFake(name, spec, seed, (other) => values[other]);
  return { manifest, values, checked: false };
}
