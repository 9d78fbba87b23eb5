/**
 * Installing and removing devsecrets' git pre-commit hook, where git looks for hooks
 * (`core.hooksPath` honoured). A hook already in place is kept, not overwritten: it is moved
 * aside under a fixed name, our hook runs it first, and uninstalling moves it back, so its
 * bytes and mode come back exactly (a rename changes neither).
 */
import { lstat, mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../core/doctor/shell-quote.js';
import { DevsecretsError } from '../core/errors.js';
import { writeFileAtomic } from './fs-safe.js';
import { findRepository, gitPath } from './git.js';
import { readTemplate } from './project-files.js';

/** The line that tells our hook from anyone else's. */
const MARKER = '# devsecrets-hook:';
/** Where a pre-existing hook waits while ours is installed; the template runs it from there. */
const CHAINED = 'pre-commit.devsecrets-chained';
/** The shim of this install: the bundle lives in `dist/`, one level below the package root. */
const CLI = fileURLToPath(new URL('../bin/devsecrets.js', import.meta.url));

export type HookInstall = { hook: string; chained: boolean; outcome: 'installed' | 'updated' };
export type HookUninstall = { hook: string; outcome: 'removed' | 'restored' | 'absent' };

/**
 * Writes the hook for the project at `root`, moving an existing foreign hook aside first.
 * Installing again only refreshes our hook.
 * @throws DevsecretsError `FAILURE` outside a repository, or when a foreign hook is in place
 *   and another is already saved aside (chaining twice would lose one).
 */
export async function installHook(root: string, env: NodeJS.ProcessEnv): Promise<HookInstall> {
  const { hooks, hook, chained, prefix } = await hookPaths(root, env);
  const current = await readHook(hook);
  const ours = current !== undefined && isOurs(current);
  if (current !== undefined && !ours) {
    if (await exists(chained)) {
      throw new DevsecretsError('FAILURE', `${hook} is not devsecrets' hook, and ${chained} already holds a saved hook`, {
        hint: `merge the two by hand (or remove ${chained}), then run devsecrets hook install again`,
      });
    }
    await rename(hook, chained);
  }
  await mkdir(hooks, { recursive: true });
  await writeFileAtomic(hook, renderHook(prefix), 0o755);
  return { hook, chained: await exists(chained), outcome: ours ? 'updated' : 'installed' };
}

/**
 * Removes our hook and puts back the one it replaced, if any.
 * @throws DevsecretsError `FAILURE` outside a repository, or when the hook in place is not ours.
 */
export async function uninstallHook(root: string, env: NodeJS.ProcessEnv): Promise<HookUninstall> {
  const { hook, chained } = await hookPaths(root, env);
  const current = await readHook(hook);
  if (current === undefined) return { hook, outcome: 'absent' };
  if (!isOurs(current)) {
    throw new DevsecretsError('FAILURE', `${hook} is not devsecrets' hook; it was left as it is`, { hint: 'remove it by hand if you want it gone' });
  }
  if (await exists(chained)) {
    await rename(chained, hook);
    return { hook, outcome: 'restored' };
  }
  await unlink(hook);
  return { hook, outcome: 'removed' };
}

/** The hook files, and the project's folder from the work tree's top (`prefix`, empty or ending with `/`). */
async function hookPaths(root: string, env: NodeJS.ProcessEnv): Promise<{ hooks: string; hook: string; chained: string; prefix: string }> {
  const repository = await findRepository(root, env);
  if (repository.kind === 'none') {
    throw new DevsecretsError('FAILURE', `cannot manage a git hook here: ${repository.message}`, { hint: 'run devsecrets hook from inside the git repository' });
  }
  const hooks = await gitPath(root, env, 'hooks');
  return { hooks, hook: join(hooks, 'pre-commit'), chained: join(hooks, CHAINED), prefix: repository.prefix };
}

/** The template with the project's folder and the paths of this install (node and the CLI) filled in. */
function renderHook(prefix: string): string {
  const values: Record<string, string> = { __PROJECT__: prefix === '' ? '.' : shellQuote(prefix), __NODE__: shellQuote(process.execPath), __CLI__: shellQuote(CLI) };
  return readTemplate('pre-commit.sh').replace(/__(?:PROJECT|NODE|CLI)__/g, (name) => values[name]!);
}

function isOurs(text: string): boolean {
  return text.split('\n', 3).some((line) => line.startsWith(MARKER));
}

/** The hook's text, or undefined when there is none (a dangling link counts as one: it is not ours). */
async function readHook(path: string): Promise<string | undefined> {
  if (!(await exists(path))) return undefined;
  return readFile(path, 'utf8').catch(() => '');
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}
