/** `devsecrets run [--prefer-env] [--isolate] [--ephemeral] -- CMD [ARGS...]` */
import { randomBytes } from 'node:crypto';
import { buildChildEnv } from '../../core/build-child-env.js';
import { DevsecretsError, type Issue } from '../../core/errors.js';
import type { Manifest } from '../../core/manifest.js';
import { valuesOf } from '../../core/store-document.js';
import { generateFake } from '../../core/types/index.js';
import { runChild } from '../../adapters/child-process.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { openStore } from '../../adapters/vault.js';
import type { CommandContext } from '../context.js';

export interface RunOptions {
  preferEnv?: boolean;
  isolate?: boolean;
  ephemeral?: boolean;
}

export default async function run(context: CommandContext, command: string[], options: RunOptions): Promise<number> {
  const manifest = loadManifest(context.cwd, context.manifestPath);
  const values = options.ephemeral ? ephemeralValues(manifest) : valuesOf((await openStore(manifest.root, context.env)).document);
  const child = buildChildEnv({
    manifest,
    values,
    inherited: context.env,
    preferEnv: options.preferEnv === true,
    isolate: options.isolate === true,
  });
  refuseProblems(child.unknown, [...child.missing, ...child.invalid], child.insecure);
  for (const name of child.overridden) context.output.info(`${name}: the store's value overrides the inherited one`);
  for (const name of child.kept) context.output.info(`${name}: keeping the inherited value (--prefer-env)`);

  const [file, ...args] = command as [string, ...string[]];
  const outcome = await runChild(file, args, child.env);
  if (outcome.kind === 'exited') return outcome.status;
  const notFound = outcome.kind === 'not-found';
  context.output.error(new DevsecretsError('FAILURE', notFound ? `command not found: ${file}` : `command is not executable: ${file}`, {
    hint: notFound ? 'check the spelling and your PATH' : `check its permissions (chmod +x ${file})`,
  }));
  return notFound ? 127 : 126;
}

/** `--ephemeral`: fakes from a throwaway seed, in memory only. */
function ephemeralValues(manifest: Manifest): Record<string, string> {
  const seed = randomBytes(32);
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) values[name] = generateFake(name, spec, seed);
  return values;
}

/** Nothing runs on an environment with any problem; all problems are reported at once. */
function refuseProblems(unknown: Issue[], invalid: Issue[], insecure: Issue[]): void {
  const issues = [...insecure, ...invalid, ...unknown];
  if (issues.length === 0) return;
  const code = insecure.length > 0 ? 'INSECURE_VALUE' : invalid.length > 0 ? 'VALIDATION_FAILED' : 'UNKNOWN_VAR';
  const hint = insecure.length > 0
    ? 'replace those values with devsecrets set NAME, or regenerate fakes with devsecrets init --force'
    : invalid.length > 0
      ? 'fix the values with devsecrets set NAME, or check the inherited environment'
      : 'add the variables to the manifest, or remove them with devsecrets unset NAME';
  throw new DevsecretsError(code, `refusing to run: ${issues.length} problem${issues.length === 1 ? '' : 's'} with the environment`, { issues, hint });
}
