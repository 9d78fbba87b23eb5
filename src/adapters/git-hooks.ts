/**
 * Installing and removing devsecrets' git pre-commit hook, where git looks for hooks
 * (`core.hooksPath` honoured).
 *
 * A hook already in place is kept, not overwritten: it is moved aside under a fixed name,
 * our hook runs it first, and uninstalling moves it back, so its bytes and mode come back
 * exactly (a rename changes neither). It runs as git ran it — same arguments and stdin,
 * and, for a POSIX sh script, the same `$0`, because hook managers tell which hook is
 * running from `$0`.
 *
 * Under husky (v7 and later) git's hooks folder belongs to husky, which rewrites it on every
 * `npm install` and would drop our hook. There the check goes where husky keeps the team's
 * hook scripts instead — one marked line in husky's `pre-commit` script, which husky runs
 * and never rewrites — and uninstalling removes exactly that line.
 */
import { lstat, mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
/** What ends the line devsecrets adds to husky's `pre-commit` script; uninstall looks for it. */
const LINE_MARKER = ` ${MARKER} added by devsecrets hook install; devsecrets hook uninstall removes this line`;
/** The first line of a husky script devsecrets had to create. */
const CREATED_SHEBANG = '#!/usr/bin/env sh\n';
/**
 * A POSIX sh shebang (`sh`, `/bin/sh`, `/usr/bin/sh`, `/usr/bin/env sh`), with at most one
 * word of single-letter options: a hook that can be sourced by `sh` with its options.
 */
const SH_SHEBANG = /^#!\s*(?:\/usr\/bin\/env\s+(sh)|(sh|\/bin\/sh|\/usr\/bin\/sh))(\s+-[A-Za-z]+)?\s*$/;

export type HookInstall =
  | {
      kind: 'hook'; hook: string; chained: boolean; outcome: 'installed' | 'updated'; manager: string | undefined;
      /** The work tree has a `.husky` folder but husky has not taken over the hooks yet (no `npm install` since cloning). */
      huskyPending: boolean;
    }
  | { kind: 'husky'; script: string; hooks: string; outcome: 'installed' | 'updated'; created: boolean };
export type HookUninstall =
  | { kind: 'hook'; hook: string; outcome: 'removed' | 'restored' | 'absent' }
  | { kind: 'husky'; script: string; outcome: 'removed' | 'absent' };

interface HookPaths {
  hooks: string;
  hook: string;
  chained: string;
  /** The project's folder from the work tree's top, empty or ending with `/`. */
  prefix: string;
  /** Under husky: the folder of husky's own hook scripts (`.husky`). */
  husky: string | undefined;
}

/**
 * Installs the check for the project at `root`: our hook in git's hooks folder, moving an
 * existing foreign hook aside first, or under husky one line in husky's `pre-commit` script
 * (see the file comment). Installing again only refreshes what is ours.
 * @throws DevsecretsError `FAILURE` outside a repository, or when a foreign hook is in place
 *   and another is already saved aside (chaining twice would lose one).
 */
export async function installHook(root: string, env: NodeJS.ProcessEnv): Promise<HookInstall> {
  const paths = await hookPaths(root, env);
  if (paths.husky !== undefined) return installHuskyLine(paths, paths.husky);
  const { hooks, hook, chained, prefix } = paths;
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
  const saved = await readHook(chained);
  await mkdir(hooks, { recursive: true });
  await writeFileAtomic(hook, renderHook(prefix, saved), 0o755);
  const top = join(root, ...paths.prefix.split('/').filter((part) => part !== '').map(() => '..'));
  return {
    kind: 'hook', hook, chained: saved !== undefined, outcome: ours ? 'updated' : 'installed',
    manager: saved === undefined ? undefined : hookManager(saved), huskyPending: await exists(join(top, '.husky')),
  };
}

/**
 * Removes what `installHook` put in place and puts back what was there.
 * @throws DevsecretsError `FAILURE` outside a repository, or when the hook in place is not ours.
 */
export async function uninstallHook(root: string, env: NodeJS.ProcessEnv): Promise<HookUninstall> {
  const paths = await hookPaths(root, env);
  if (paths.husky !== undefined) {
    // A hook of ours in husky's folder is an earlier install's: it goes too.
    const legacy = await removeOurHook(paths);
    const script = join(paths.husky, 'pre-commit');
    return { kind: 'husky', script, outcome: (await removeHuskyLine(script)) || legacy !== undefined ? 'removed' : 'absent' };
  }
  const current = await readHook(paths.hook);
  if (current !== undefined && !isOurs(current)) {
    throw new DevsecretsError('FAILURE', `${paths.hook} is not devsecrets' hook; it was left as it is`, { hint: 'remove it by hand if you want it gone' });
  }
  return { kind: 'hook', hook: paths.hook, outcome: (await removeOurHook(paths)) ?? 'absent' };
}

/** Removes our hook from git's hooks folder, putting back the one it moved aside; undefined when ours is not there. */
async function removeOurHook({ hook, chained }: HookPaths): Promise<'removed' | 'restored' | undefined> {
  const current = await readHook(hook);
  if (current === undefined || !isOurs(current)) return undefined;
  if (await exists(chained)) {
    await rename(chained, hook);
    return 'restored';
  }
  await unlink(hook);
  return 'removed';
}

async function hookPaths(root: string, env: NodeJS.ProcessEnv): Promise<HookPaths> {
  const repository = await findRepository(root, env);
  if (repository.kind === 'none') {
    throw new DevsecretsError('FAILURE', `cannot manage a git hook here: ${repository.message}`, { hint: 'run devsecrets hook from inside the git repository' });
  }
  const hooks = await gitPath(root, env, 'hooks');
  return { hooks, hook: join(hooks, 'pre-commit'), chained: join(hooks, CHAINED), prefix: repository.prefix, husky: await huskyScripts(hooks) };
}

/**
 * The folder of husky's hook scripts when husky runs git's hooks: v9 points
 * `core.hooksPath` at `.husky/_` holding its runner `h` (scripts one level up); v7 and v8
 * point it at `.husky` itself, with `_/husky.sh` beside the scripts.
 */
async function huskyScripts(hooks: string): Promise<string | undefined> {
  if (basename(hooks) === '_' && (await exists(join(hooks, 'h')))) return dirname(hooks);
  if (await exists(join(hooks, '_', 'husky.sh'))) return hooks;
  return undefined;
}

/**
 * Adds our line to husky's `pre-commit` script (creating the script when there is none),
 * or refreshes it. A hook of ours left in git's hooks folder by an earlier install is
 * removed first, putting back the hook it had moved aside.
 */
async function installHuskyLine(paths: HookPaths, husky: string): Promise<HookInstall> {
  await removeOurHook(paths);
  const script = join(husky, 'pre-commit');
  const line = huskyLine(paths.prefix);
  const existing = await readHook(script);
  if (existing === undefined) {
    await mkdir(husky, { recursive: true });
    await writeFileAtomic(script, `${CREATED_SHEBANG}${line}\n`, 0o755);
    return { kind: 'husky', script, hooks: paths.hooks, outcome: 'installed', created: true };
  }
  const lines = existing.split('\n');
  const at = lines.findIndex((candidate) => candidate.endsWith(LINE_MARKER));
  if (at === -1) lines.splice(insertionPoint(lines), 0, line);
  else lines[at] = line;
  const text = lines.join('\n');
  if (text !== existing) await writeFileAtomic(script, text, (await stat(script)).mode & 0o7777);
  return { kind: 'husky', script, hooks: paths.hooks, outcome: at === -1 ? 'installed' : 'updated', created: false };
}

/**
 * Removes our line from husky's `pre-commit` script, and the script itself when all that is
 * left is what devsecrets created.
 * @returns whether there was a line to remove.
 */
async function removeHuskyLine(script: string): Promise<boolean> {
  const existing = await readHook(script);
  if (existing === undefined) return false;
  const lines = existing.split('\n');
  const at = lines.findIndex((candidate) => candidate.endsWith(LINE_MARKER));
  if (at === -1) return false;
  lines.splice(at, 1);
  const text = lines.join('\n');
  if (text === CREATED_SHEBANG) await unlink(script);
  else await writeFileAtomic(script, text, (await stat(script)).mode & 0o7777);
  return true;
}

/** Below a shebang and below husky 7/8's sourcing of `husky.sh` (which runs the script again). */
function insertionPoint(lines: readonly string[]): number {
  const sourcing = lines.slice(0, 5).findLastIndex((line) => /^\s*\.\s.*husky\.sh/.test(line));
  return Math.max(lines[0]?.startsWith('#!') === true ? 1 : 0, sourcing + 1);
}

/**
 * The line for husky's script, committed and so the same on every machine: the project's
 * own devsecrets (`node_modules/.bin`), else one on PATH, else a message that blocks the
 * commit. Husky runs scripts from the work tree's top, hence the `cd`.
 */
function huskyLine(prefix: string): string {
  const folder = prefix === '' ? '' : `cd -- ${shellQuote(prefix)} && `;
  const missing = `echo 'devsecrets: error: the pre-commit check cannot find devsecrets, so the commit is blocked (install it: npm install --save-dev devsecrets)' >&2; exit 1`;
  return `(${folder}PATH="node_modules/.bin:$PATH" && if command -v devsecrets >/dev/null; then exec devsecrets doctor --staged; else ${missing}; fi) || exit $?${LINE_MARKER}`;
}

/**
 * The template with the project's folder, the paths of this install (node and the CLI) and
 * the way to run the saved hook filled in.
 */
function renderHook(prefix: string, saved: string | undefined): string {
  const values: Record<string, string> = {
    __PROJECT__: prefix === '' ? '.' : shellQuote(prefix),
    __NODE__: shellQuote(process.execPath),
    __CLI__: shellQuote(CLI),
    __RUN_CHAINED__: runChained(saved ?? ''),
  };
  return readTemplate('pre-commit.sh').replace(/__(?:PROJECT|NODE|CLI|RUN_CHAINED)__/g, (name) => values[name]!);
}

/**
 * How the template runs the saved hook: a POSIX sh script is sourced by a fresh `sh` whose
 * `$0` is our hook's path (the path git ran), with the same arguments, so that a hook which
 * finds its own name in `$0` (husky's runners) still does; anything else is executed.
 */
function runChained(saved: string): string {
  const shebang = SH_SHEBANG.exec(saved.split('\n', 1)[0] ?? '');
  if (shebang === null) return '"$chained" "$@"';
  const shell = shebang[1] ?? shebang[2]!;
  const options = shebang[3] === undefined ? '' : ` ${shebang[3].trim()}`;
  return `${shell}${options} -c '. "$0.devsecrets-chained"' "$0" "$@"`;
}

/** The hook manager that wrote `text`, when it says so, for a warning that it may rewrite the hook. */
function hookManager(text: string): string | undefined {
  return ['husky', 'lefthook', 'simple-git-hooks'].find((name) => text.includes(name));
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
