/**
 * The environment `devsecrets run` gives its child, built and judged the same way for a plain
 * run and for every (re)start under `--watch`: the manifest, the store's values (or fresh
 * fakes with `--ephemeral`), the inherited environment, every check, and the refusals. Part of
 * the `run` fast path: the checks load only when the store's stamp does not vouch for the values.
 */
import { basename } from 'node:path';
import { buildChildEnv, type ChildEnv } from '../core/build-child-env.js';
import { sha256Hex } from '../core/digest.js';
import { DevsecretsError } from '../core/errors.js';
import { manifestFromDocument, type Manifest } from '../core/manifest-model.js';
import { expiryError, stampCovers, valuesOf, versionDriftError, type StoreDocument } from '../core/store-document.js';
import type { ChildOutcome, RunChildOptions } from '../adapters/child-process.js';
import { checkManifestFile, readManifestFile, type ManifestFile } from '../adapters/manifest-file.js';
import { openStore, recordAccess } from '../adapters/store.js';
import type { StoreMeta } from '../adapters/store-files.js';
import type { CommandContext } from './context.js';
import type { Output } from './output.js';

/** The flags that shape the child's environment, and `--redact`, which shapes how it starts. */
export interface RunEnvironmentOptions {
  /** The child's output through a redacting pipe (`--redact`): never exec. */
  redact?: boolean;
  preferEnv?: boolean;
  isolate?: boolean;
  ephemeral?: boolean;
  allowExpired?: boolean;
}

/** A child environment that passed every check, and what it was built from. */
export interface RunEnvironment {
  /** The manifest read (its `path` and `root` say where the project is). */
  manifest: Manifest;
  child: ChildEnv;
  /** The store opened (absent with `--ephemeral`); its metadata says where the identity is. */
  store?: { meta: StoreMeta; document: StoreDocument };
}

/**
 * How a spawned child starts: its environment and spawn options, its output through a
 * redacting pipe with `--redact` (that code is loaded only then).
 */
export async function childLaunch(environment: RunEnvironment, redact: boolean | undefined): Promise<{ env: Record<string, string>; options: RunChildOptions }> {
  if (redact !== true) return { env: environment.child.env, options: {} };
  return (await import('./redaction.js')).redactedLaunch(environment);
}

/** Where the values come from, and whether the store's stamp already vouches for them. */
interface Source {
  manifest: Manifest;
  values: Record<string, string>;
  /** The store's stamp covers these values and this manifest: no need to check again. */
  checked: boolean;
  /** The opened store (absent with --ephemeral). */
  store?: { meta: StoreMeta; document: StoreDocument };
  /** Why the store must not be used as it is (expired, synced with an older manifest). */
  refusal?: DevsecretsError;
}

/**
 * Reads the manifest and the store (or makes fakes), builds the child's environment and
 * judges it: every manifest variable valid, no insecure value, no store variable the manifest
 * does not know, a store neither expired (unless `allowExpired`) nor synced with an older
 * manifest version. A store decrypted and then refused is recorded in the audit log, with the
 * refusal's code and the name of `executable`, the program that was to run. With
 * `ephemeral`, the fakes derive from `seed` (random when absent).
 *
 * @throws DevsecretsError every refusal, with its exit code: `MANIFEST_*`, `VALIDATION_FAILED`,
 *   `INSECURE_VALUE`, `UNKNOWN_VAR` (exit 3); `STORE_*`, `IDENTITY_*`, `KEYCHAIN_UNAVAILABLE`,
 *   `DRIFT_MANIFEST_VERSION`, `FILE_PERMISSIONS` (exit 4). Messages name variables, never values.
 */
export async function prepareRunEnvironment(context: CommandContext, executable: string, options: RunEnvironmentOptions, seed?: Uint8Array): Promise<RunEnvironment> {
  const file = readManifestFile(context.cwd, context.manifestPath);
  const { manifest, values, checked, store, refusal } = options.ephemeral ? await ephemeralSource(file, seed) : await storeSource(context, file, options);
  const child = buildChildEnv({
    manifest,
    values,
    inherited: context.env,
    preferEnv: options.preferEnv === true,
    isolate: options.isolate === true,
  });
  const environment: RunEnvironment = { manifest, child, ...(store ? { store } : {}) };
  // The stamp vouches for the store's values only, not for one inherited in place of a missing optional value.
  const refused = refusal ?? (checked && child.fromEnv.length === 0 ? undefined : await valuesRefusal(manifest, child));
  if (refused !== undefined) {
    // The store was decrypted all the same: that access is recorded, with why it went no further.
    await recordRun(context, environment, executable, refused);
    throw refused;
  }
  return environment;
}

/**
 * Appends the audit entry of a child started with `environment` (the manifest variables it
 * receives; the command's name only, never its arguments), or of a refusal to start one (every
 * variable the store decrypted). Nothing for `--ephemeral`, which has no store. A log that
 * cannot be written is a warning, not a reason to stop the child.
 */
export async function recordRun(context: CommandContext, environment: RunEnvironment, executable: string, refused?: DevsecretsError): Promise<void> {
  if (environment.store === undefined) return;
  const { document } = environment.store;
  const { manifest, child } = environment;
  const event = refused === undefined
    ? { action: 'run' as const, vars: Object.keys(manifest.vars).filter((name) => child.env[name] !== undefined), command: basename(executable) }
    : { action: 'run' as const, vars: Object.keys(document.vars), command: basename(executable), refused: refused.code };
  await recordAccess(environment.manifest.root, document, event).catch((error: unknown) => {
    context.output.warn(`could not write the audit entry (${(error as Error).message})`);
  });
}

/** Names, on stderr, the inherited values the store replaced and those kept with `--prefer-env`. */
export function reportInherited(output: Output, child: ChildEnv): void {
  for (const name of child.overridden) output.info(`${name}: the store's value overrides the inherited one`);
  for (const name of child.kept) output.info(`${name}: keeping the inherited value (--prefer-env)`);
}

/**
 * The exit status `run` reports for a child's outcome: its own status, or 127 (not found) and
 * 126 (not executable) after saying why on `output`.
 */
export function childStatus(output: Output, outcome: ChildOutcome, executable: string): number {
  if (outcome.kind === 'exited') return outcome.status;
  if (outcome.kind === 'failed') {
    const tooLarge = outcome.code === 'E2BIG';
    output.error(new DevsecretsError('FAILURE', `could not start ${executable} (${outcome.code}${tooLarge ? ': its arguments and environment are too large' : ''})`, {
      hint: tooLarge ? 'a value of 128 KiB or more, or 2 MiB in all, is more than the system passes to a program: keep large data in a file and its path in the variable' : 'the system refused to start it; try again, or look at its limits (ulimit -a)',
    }));
    return 126;
  }
  const notFound = outcome.kind === 'not-found';
  output.error(new DevsecretsError('FAILURE', notFound ? `command not found: ${executable}` : `command is not executable: ${executable}`, {
    hint: notFound ? 'check the spelling and your PATH' : `check its permissions (chmod +x ${executable})`,
  }));
  return notFound ? 127 : 126;
}

/** Why the child's environment must not be used (a missing, invalid, insecure or unknown variable), or undefined. */
async function valuesRefusal(manifest: Manifest, child: ChildEnv): Promise<DevsecretsError | undefined> {
  const { environmentRefusal, evaluateValues } = await import('../core/evaluate.js');
  return environmentRefusal(evaluateValues(manifest, child.resolved), child.unknown);
}

/** The store's values, with a refusal when expired (unless --allow-expired) or synced with an older manifest version. */
async function storeSource(context: CommandContext, file: ManifestFile, options: RunEnvironmentOptions): Promise<Source> {
  const { meta, document } = await openStore(file.root, context.env).catch(async (error: unknown) => {
    // A broken manifest is the first thing to fix, so it is reported before a store problem.
    await checkManifestFile(file);
    throw error;
  });
  // The stamp says these values passed every check against these exact manifest bytes
  // when devsecrets wrote them; only inherited values (--prefer-env) would need a look.
  const textSha256 = sha256Hex(file.text);
  const checked = !options.preferEnv && stampCovers(document, textSha256);
  const manifest = checked ? trustedManifest(file, textSha256) : await checkManifestFile(file);
  const source = { manifest, values: valuesOf(document), checked, store: { meta, document } };
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
async function ephemeralSource(file: ManifestFile, seed: Uint8Array | undefined): Promise<Source> {
  const manifest = await checkManifestFile(file);
  const { randomBytes } = await import('node:crypto');
  const { generateFake } = await import('../core/types/index.js');
  const { fakeableVars } = await import('../core/seed-store.js');
  const fakeSeed = seed ?? randomBytes(32);
  const values: Record<string, string> = {};
  for (const [name, spec] of fakeableVars(manifest)) values[name] = generateFake(name, spec, fakeSeed, (other) => values[other]);
  return { manifest, values, checked: false };
}
