/**
 * Asking git what it tracks and what it ignores, so doctor agrees with `git add` by
 * construction instead of approximating gitignore rules. The only importer of execa.
 *
 * Each question is one git process, however many paths it concerns: paths go in and come
 * out NUL-separated (`-z`), so no name needs quoting. Only folder names git listed go on a
 * command line, as pathspecs (never through a shell). Paths are relative to `cwd`, the
 * project root, which may lie below the repository root. Nothing here writes to the
 * repository.
 */
import { posix } from 'node:path';
import type { IgnoreVerdict } from '../core/doctor/index.js';
import { DevsecretsError } from '../core/errors.js';

/**
 * Where `cwd` stands: inside a work tree (`prefix`: the path from the work tree's root to
 * `cwd`, empty or ending with `/`), or not, with git's reason.
 */
export type GitRepository =
  | { kind: 'repository'; prefix: string }
  | { kind: 'none'; reason: 'not-a-repository' | 'git-failed'; message: string };

interface GitResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** Node's error code when git could not be started (`ENOENT`: not installed). */
  spawnCode: string | undefined;
}

async function git(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[], input?: string): Promise<GitResult> {
  const { execa } = await import('execa');
  const result = await execa('git', args, {
    cwd,
    env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, spawnCode: result.exitCode === undefined ? result.code : undefined };
}

/** Finds the work tree holding `cwd`; never throws. */
export async function findRepository(cwd: string, env: NodeJS.ProcessEnv): Promise<GitRepository> {
  const result = await git(cwd, env, ['rev-parse', '--show-prefix']);
  if (result.exitCode === 0) return { kind: 'repository', prefix: result.stdout.trim() };
  if (result.spawnCode === 'ENOENT') return { kind: 'none', reason: 'git-failed', message: 'git is not installed (or not on PATH)' };
  if (/not a git repository/i.test(result.stderr)) return { kind: 'none', reason: 'not-a-repository', message: 'not a git repository' };
  return { kind: 'none', reason: 'git-failed', message: `git rev-parse failed: ${firstLine(result)}` };
}

/**
 * Files in the index under `cwd`, relative to it: what the next commit contains whatever
 * the ignore rules say.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function listTrackedFiles(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  return splitNul(await succeed(cwd, env, ['ls-files', '-z', '--cached']));
}

/**
 * Files under `cwd` that git neither tracks nor ignores: the ones `git add .` would pick up.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function listUntrackedFiles(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  return splitNul(await succeed(cwd, env, ['ls-files', '-z', '--others', '--exclude-standard']));
}

/**
 * Untracked files under `cwd` that git ignores, a wholly ignored folder listed once as
 * `folder/` (so `node_modules/` costs one line).
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function listIgnoredFiles(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  return splitNul(await succeed(cwd, env, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']));
}

/** Folders per `listEnvFilesIn` process: far below any system's limit on arguments. */
const FOLDERS_PER_LISTING = 500;

/**
 * Files named `.env…` at any depth inside `folders` (wholly ignored folders, as
 * `listIgnoredFiles` gives them), relative to `cwd`. git walks only those folders: each is
 * the literal start of a pathspec.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function listEnvFilesIn(cwd: string, env: NodeJS.ProcessEnv, folders: readonly string[]): Promise<string[]> {
  const chunks: string[][] = [];
  for (let at = 0; at < folders.length; at += FOLDERS_PER_LISTING) chunks.push(folders.slice(at, at + FOLDERS_PER_LISTING).map((folder) => `:(glob)${escapeGlob(folder)}**/.env*`));
  const listings = await Promise.all(chunks.map((pathspecs) => succeed(cwd, env, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...pathspecs])));
  return listings.flatMap(splitNul);
}

/**
 * Tracked files under `cwd` that a `.devsecretsignore` (gitignore syntax, at the root or in
 * any folder) exempts from content checks. Only those files are read as rules: `.gitignore`
 * and the other exclude sources play no part.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function listScanExemptFiles(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  return splitNul(await succeed(cwd, env, ['ls-files', '-z', '--cached', '--ignored', '--exclude-per-directory=.devsecretsignore']));
}

/**
 * Files under `cwd` that the index adds, copies, modifies or renames against `HEAD` (all
 * of them before the first commit): what the next commit changes, deletions left out.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function listStagedFiles(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  return splitNul(await succeed(cwd, env, ['diff', '--cached', '--name-only', '-z', '--relative', '--diff-filter=ACMR', '--no-renames']));
}

/**
 * The staged content of each path (relative to `cwd`), from one `git cat-file --batch`
 * however many there are. `onBlob` receives each blob in order; paths git cannot name on
 * one line (holding a newline) and paths without a blob are passed over.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function readStagedBlobs(
  cwd: string,
  env: NodeJS.ProcessEnv,
  repository: Extract<GitRepository, { kind: 'repository' }>,
  paths: readonly string[],
  onBlob: (path: string, content: Buffer) => void,
): Promise<void> {
  const named = paths.filter((path) => !path.includes('\n'));
  await readIndexBlobs(cwd, env, named.map((path) => `${repository.prefix}${path}`), (index, content) => onBlob(named[index]!, content));
}

/**
 * The `.devsecretsignore` files of the index (not the work tree) that bear on files under
 * `cwd`: those in its folder, above it and below it. `folder` is each file's folder from the
 * work tree's root (empty or ending with `/`), as `matchScanRules` takes them.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function readStagedScanRules(
  cwd: string,
  env: NodeJS.ProcessEnv,
  repository: Extract<GitRepository, { kind: 'repository' }>,
): Promise<{ folder: string; text: string }[]> {
  const listed = splitNul(await succeed(cwd, env, ['ls-files', '-z', '--cached', '--full-name', '--', ':(top,glob)**/.devsecretsignore']));
  const names = listed.filter((name) => {
    const folder = name.slice(0, -'.devsecretsignore'.length);
    return !name.includes('\n') && (repository.prefix.startsWith(folder) || folder.startsWith(repository.prefix));
  });
  const rules: { folder: string; text: string }[] = [];
  await readIndexBlobs(cwd, env, names, (index, content) => rules.push({ folder: names[index]!.slice(0, -'.devsecretsignore'.length), text: content.toString('utf8') }));
  return rules;
}

/**
 * Whether the repository matches ignore rules case-insensitively (`core.ignorecase`, which
 * `git init` sets on case-insensitive file systems; unset means no).
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function readIgnoreCase(cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const result = await git(cwd, env, ['config', '--get', '--type=bool', 'core.ignorecase']);
  if (result.exitCode === 1) return false;
  if (result.exitCode !== 0) throw failure('config', result);
  return result.stdout.trim() === 'true';
}

/** Index entries by name from the work tree's root (`:name`), through one `git cat-file --batch`; `onBlob` gets each one's position in `names`. */
async function readIndexBlobs(cwd: string, env: NodeJS.ProcessEnv, names: readonly string[], onBlob: (index: number, content: Buffer) => void): Promise<void> {
  if (names.length === 0) return;
  const { execa } = await import('execa');
  const input = names.map((name) => `:${name}\n`).join('');
  const result = await execa('git', ['cat-file', '--batch'], { cwd, env, extendEnv: false, reject: false, input, encoding: 'buffer', stripFinalNewline: false });
  if (result.exitCode !== 0) throw failure('cat-file', { exitCode: result.exitCode, stdout: '', stderr: Buffer.from(result.stderr).toString('utf8'), spawnCode: undefined });
  const output = Buffer.from(result.stdout);
  let at = 0;
  for (let index = 0; index < names.length; index += 1) {
    const end = output.indexOf(0x0a, at);
    if (end === -1) break;
    // `<oid> <type> <size>`, or `<name> missing` (the name may hold spaces).
    const header = output.subarray(at, end).toString('utf8');
    const [, type, size] = header.split(' ');
    at = end + 1;
    if (header.endsWith(' missing') || size === undefined) continue;
    const length = Number(size);
    if (type === 'blob') onBlob(index, output.subarray(at, at + length));
    at += length + 1;
  }
}

/**
 * Where git keeps `name` inside its own folder (`hooks` honours `core.hooksPath`), as an
 * absolute path.
 * @throws DevsecretsError `FAILURE` when git fails (outside a repository, too).
 */
export async function gitPath(cwd: string, env: NodeJS.ProcessEnv, name: string): Promise<string> {
  return (await succeed(cwd, env, ['rev-parse', '--path-format=absolute', '--git-path', name])).trim();
}

/**
 * Git's ignore verdict for each path (relative to `cwd`; a trailing `/` marks a folder),
 * from one `git check-ignore` that honours every ignore source git does. Judged by the rules
 * alone (`--no-index`): a tracked file matched by a rule counts as ignored, and a path need
 * not exist. Rule sources are made relative to `cwd` too (git gives them from the work
 * tree's root), except an absolute `core.excludesFile`.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function checkIgnore(
  cwd: string,
  env: NodeJS.ProcessEnv,
  repository: Extract<GitRepository, { kind: 'repository' }>,
  paths: readonly string[],
): Promise<Map<string, IgnoreVerdict>> {
  const verdicts = new Map<string, IgnoreVerdict>();
  if (paths.length === 0) return verdicts;
  const args = ['check-ignore', '--stdin', '-z', '--verbose', '--non-matching', '--no-index'];
  const result = await git(cwd, env, args, `${paths.join('\0')}\0`);
  // 0: some path is ignored, 1: none is; both answer every path.
  if (result.exitCode !== 0 && result.exitCode !== 1) throw failure('check-ignore', result);
  // Records of four fields: source, line number, pattern, path; the first three empty when no rule matched.
  const fields = result.stdout.split('\0');
  for (let index = 0; index + 3 < fields.length; index += 4) {
    const [source, line, pattern, path] = fields.slice(index, index + 4) as [string, string, string, string];
    verdicts.set(path, source === ''
      ? { ignored: false }
      : { ignored: !pattern.startsWith('!'), rule: { source: fromCwd(repository.prefix, source), line: Number(line), pattern } });
  }
  return verdicts;
}

async function succeed(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  const result = await git(cwd, env, args);
  if (result.exitCode !== 0) throw failure(args[0]!, result);
  return result.stdout;
}

function fromCwd(prefix: string, source: string): string {
  return posix.isAbsolute(source) ? source : posix.relative(`/${prefix}`, `/${source}`);
}

function escapeGlob(path: string): string {
  return path.replace(/[\\*?[]/g, '\\$&');
}

function splitNul(text: string): string[] {
  return text.split('\0').filter((path) => path !== '');
}

function failure(command: string, result: GitResult): DevsecretsError {
  return new DevsecretsError('FAILURE', `git ${command} failed: ${firstLine(result)}`, { hint: 'check that git status works here' });
}

function firstLine(result: GitResult): string {
  return result.stderr.trim().split('\n')[0] || (result.spawnCode ?? `exit ${String(result.exitCode)}`);
}
