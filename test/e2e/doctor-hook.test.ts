/**
 * `devsecrets hook install|uninstall` with real commits: the hook blocks a staged `.env`
 * and a staged leaked value, lets a clean commit through, keeps and still runs a hook that
 * was there before, restores it byte for byte, honours `core.hooksPath`, and blocks with a
 * repair message when it cannot find devsecrets.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, STANDARD_MANIFEST, cleanupProjects, createProject, listFiles, modeOf, type Project, type RunResult } from '../helpers/cli.js';

afterEach(cleanupProjects);

const PLANTED = 'sk_test_PlantedSecret0123456789a';
/** A hand-written hook that leaves a mark, to prove it still runs. */
const OLD_HOOK = '#!/bin/sh\n# hand-written\necho ran >> "$(git rev-parse --show-toplevel)/.git/old-hook-ran"\n';

function project(): Project {
  const created = createProject({ manifest: STANDARD_MANIFEST });
  expect(created.run(['init']).code).toBe(0);
  expect(created.run(['set', 'STRIPE_KEY'], { input: PLANTED }).code).toBe(0);
  git(created, ['add', '-A']);
  expect(commit(created).code).toBe(0);
  return created;
}

function git(target: Project, args: readonly string[]): RunResult {
  const result = spawnSync('git', args, { cwd: target.dir, env: target.env, encoding: 'utf8' });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function commit(target: Project): RunResult {
  return git(target, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'change']);
}

/** Stages a change that holds no secret. */
function stageCleanChange(target: Project): void {
  target.write('a.txt', 'clean\n');
  git(target, ['add', 'a.txt']);
}

function install(target: Project): RunResult {
  const result = target.run(['hook', 'install']);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('devsecrets hook', () => {
  it('install: the commit of a staged .env is blocked, naming TRACKED_SECRET_FILE', () => {
    const target = project();
    expect(install(target).stderr).toMatch(/^devsecrets: installed the pre-commit hook at .*\.git\/hooks\/pre-commit\n$/);
    target.write('.env', 'X=1\n');
    git(target, ['add', '-f', '.env']);

    const result = commit(target);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TRACKED_SECRET_FILE .env is staged');
    expect(git(target, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('blocks a staged leaked value without printing it, and lets a clean commit through', () => {
    const target = project();
    install(target);
    target.write('config.js', `const key = '${PLANTED}';\n`);
    git(target, ['add', 'config.js']);

    const blocked = commit(target);

    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('LEAKED_VALUE the value of STRIPE_KEY appears in the staged content of config.js:1');
    expect(blocked.stderr + blocked.stdout).not.toContain(PLANTED);
    target.write('config.js', 'const key = process.env.STRIPE_KEY;\n');
    git(target, ['add', 'config.js']);
    expect(commit(target).code).toBe(0);
  });

  it('blocks committing a copy of the store\'s own identity: as key.txt (age\'s own docs name) and, by its content, under any name', () => {
    const target = project();
    install(target);
    const identity = readFileSync(target.identityFile(), 'utf8');
    const secretLine = identity.split('\n').findIndex((line) => line.startsWith('AGE-SECRET-KEY-1')) + 1;
    target.write('key.txt', identity);
    git(target, ['add', 'key.txt']);

    const named = commit(target);

    expect(named.code).toBe(1);
    expect(named.stderr).toContain('TRACKED_SECRET_FILE key.txt is staged');
    expect(named.stderr).toContain(`SECRET_PATTERN the staged content of key.txt:${secretLine} holds what looks like an age secret key`);
    git(target, ['rm', '-q', '--cached', 'key.txt']);
    target.write('notes/backup-of-my-stuff.txt', identity);
    git(target, ['add', 'notes/backup-of-my-stuff.txt']);

    const anyName = commit(target);

    expect(anyName.code).toBe(1);
    expect(anyName.stderr).toContain('SECRET_PATTERN the staged content of notes/backup-of-my-stuff.txt');
    expect(anyName.stderr).not.toContain('TRACKED_SECRET_FILE');
    expect(named.stderr + named.stdout + anyName.stderr + anyName.stdout).not.toContain('AGE-SECRET-KEY-1');
    expect(git(target, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('keeps a hand-written hook: it still runs first; installing twice is idempotent; uninstall restores it byte for byte', () => {
    const target = project();
    const hook = target.path('.git', 'hooks', 'pre-commit');
    writeFileSync(hook, OLD_HOOK);
    chmodSync(hook, 0o750);
    expect(install(target).stderr).toContain('the hook that was there runs first');
    expect(install(target).stderr).toContain('updated the pre-commit hook');
    stageCleanChange(target);

    expect(commit(target).code).toBe(0);
    expect(readFileSync(target.path('.git', 'old-hook-ran'), 'utf8')).toBe('ran\n');

    expect(target.run(['hook', 'uninstall']).stderr).toContain('restored the previous');
    expect(readFileSync(hook, 'utf8')).toBe(OLD_HOOK);
    expect(modeOf(hook)).toBe(0o750);
    expect(existsSync(target.path('.git', 'hooks', 'pre-commit.devsecrets-chained'))).toBe(false);
  });

  it('a failing pre-existing hook still blocks the commit', () => {
    const target = project();
    const hook = target.path('.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho old hook says no >&2\nexit 3\n');
    chmodSync(hook, 0o755);
    install(target);
    stageCleanChange(target);

    const result = commit(target);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('old hook says no');
  });

  it('uninstall without a previous hook removes ours; uninstall again has nothing to do', () => {
    const target = project();
    install(target);
    expect(target.run(['hook', 'uninstall']).stderr).toMatch(/^devsecrets: removed .*pre-commit\n$/);
    expect(existsSync(target.path('.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(target.run(['hook', 'uninstall'])).toMatchObject({ code: 0, stderr: expect.stringContaining('nothing to do') });
  });

  it('honours core.hooksPath', () => {
    const target = project();
    mkdirSync(target.path('.githooks'));
    git(target, ['config', 'core.hooksPath', '.githooks']);
    install(target);
    expect(statSync(target.path('.githooks', 'pre-commit')).isFile()).toBe(true);
    expect(existsSync(target.path('.git', 'hooks', 'pre-commit'))).toBe(false);
    target.write('.env.local', 'X=1\n');
    git(target, ['add', '-f', '.env.local']);

    expect(commit(target).code).toBe(1);
  });

  it('blocks with a repair message when it cannot find devsecrets', () => {
    const target = project();
    install(target);
    const hook = target.path('.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replaceAll('/bin/devsecrets.js', '/bin/gone.js'));
    stageCleanChange(target);

    const result = commit(target);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('devsecrets: error: the pre-commit hook cannot find devsecrets, so the commit is blocked');
    expect(result.stderr).toContain('npx devsecrets hook install');
  });

  it('refuses to chain a second foreign hook, and an action other than install|uninstall is a usage error (exit 2)', () => {
    const target = project();
    writeFileSync(target.path('.git', 'hooks', 'pre-commit'), OLD_HOOK);
    install(target);
    writeFileSync(target.path('.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 0\n');

    const refused = target.run(['hook', 'install']);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds a saved hook');
    expect(target.run(['hook', 'remove']).code).toBe(2);
  });

  it('prefers the project\'s own node_modules/.bin/devsecrets, and passes it doctor --staged', () => {
    const target = project();
    install(target);
    writeExecutable(target, 'node_modules/.bin/devsecrets', '#!/bin/sh\nprintf \'%s\\n\' "$@" > "$(git rev-parse --show-toplevel)/.git/stub-args"\nexit 0\n');
    target.write('.env', 'X=1\n');
    git(target, ['add', '-f', '.env']);

    // The stub passes what the real devsecrets would block: it is the one that ran.
    expect(commit(target).code).toBe(0);
    expect(readFileSync(target.path('.git', 'stub-args'), 'utf8')).toBe('doctor\n--staged\n');
  });
});

/** Writes an executable file into the project. */
function writeExecutable(target: Project, path: string, text: string): void {
  target.write(path, text);
  chmodSync(target.path(path), 0o755);
}

/** Every file under the folders named, with its mode and bytes, and git's config: what uninstall must give back exactly. */
function snapshot(target: Project, folders: readonly string[]): string[] {
  const files = folders.flatMap((folder) => listFiles(target.path(folder)));
  return [
    ...files.map((path) => `${relative(target.dir, path)} ${modeOf(path).toString(8)} ${readFileSync(path, 'base64')}`).sort(),
    readFileSync(target.path('.git', 'config'), 'base64'),
  ];
}

describe('devsecrets hook with hook managers', () => {
  /**
   * A stand-in for husky v9's runner `.husky/_/h`, written for this test: like husky's, it
   * takes the hook's name from basename "$0", runs `.husky/<name>` with `sh -e` and
   * node_modules/.bin on PATH, and silently does nothing when there is no such script.
   */
  const HUSKY_RUNNER = [
    '#!/usr/bin/env sh',
    'name=$(basename "$0")',
    'script=$(dirname "$(dirname "$0")")/$name',
    '[ -f "$script" ] || exit 0',
    '[ "${HUSKY-}" = "0" ] && exit 0',
    'export PATH="node_modules/.bin:$PATH"',
    'sh -e "$script" "$@"',
    'code=$?',
    '[ $code != 0 ] && echo "husky - $name script failed (code $code)"',
    'exit $code',
    '',
  ].join('\n');
  /** What husky v9 writes for each git hook in `.husky/_` (no final newline, as husky writes it). */
  const HUSKY_HOOK = '#!/usr/bin/env sh\n. "${0%/*}/h"';

  /**
   * A husky v9 layout, as `husky` (run by npm's prepare) leaves it, in a project that has
   * devsecrets installed as npm would (`node_modules/.bin/devsecrets`, here a shim to the
   * build under test): husky's scripts are committed, so the check must not depend on the
   * path of one machine's install.
   */
  function huskyProject(userScript: string | undefined): Project {
    const target = project();
    writeExecutable(target, 'node_modules/.bin/devsecrets', `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    writeExecutable(target, '.husky/_/h', HUSKY_RUNNER);
    for (const name of ['pre-commit', 'commit-msg', 'pre-push']) writeExecutable(target, `.husky/_/${name}`, HUSKY_HOOK);
    target.write('.husky/_/.gitignore', '*');
    if (userScript !== undefined) target.write('.husky/pre-commit', userScript);
    git(target, ['config', 'core.hooksPath', '.husky/_']);
    return target;
  }

  it('husky v9: a failing husky script still blocks after install, the check lives in .husky/pre-commit, and uninstall restores every byte', () => {
    const target = huskyProject('echo lint says no >&2\nexit 1\n');
    const before = snapshot(target, ['.husky']);

    const installed = install(target);

    expect(installed.stderr).toContain('husky runs the git hooks here');
    expect(installed.stderr).toContain(`added a devsecrets line to ${target.path('.husky', 'pre-commit')}; commit it so everyone gets the check`);
    expect(readFileSync(target.path('.husky', '_', 'pre-commit'), 'utf8')).toBe(HUSKY_HOOK);
    stageCleanChange(target);
    const blocked = commit(target);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('lint says no');
    expect(install(target).stderr).toContain(`updated the devsecrets line of ${target.path('.husky', 'pre-commit')}`);

    expect(target.run(['hook', 'uninstall']).stderr).toContain(`removed the devsecrets line from ${target.path('.husky', 'pre-commit')}`);
    expect(snapshot(target, ['.husky'])).toEqual(before);
    expect(git(target, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('husky v9: without devsecrets installed in the project or on PATH, the check blocks with a repair message', () => {
    const target = huskyProject('echo lint ok\n');
    install(target);
    rmSync(target.path('node_modules'), { recursive: true });
    stageCleanChange(target);

    const blocked = commit(target);

    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('devsecrets: error: the pre-commit check cannot find devsecrets, so the commit is blocked (install it: npm install --save-dev devsecrets)');
  });

  it('husky v9: the check blocks a staged .env, keeps working after husky rewrites .husky/_ on npm install, and lets a clean commit through', () => {
    const target = huskyProject('echo lint ok\n');
    install(target);
    // npm install runs husky again, which writes every hook of .husky/_ afresh.
    for (const name of ['pre-commit', 'commit-msg', 'pre-push']) writeExecutable(target, `.husky/_/${name}`, HUSKY_HOOK);
    target.write('.env', 'X=1\n');
    git(target, ['add', '-f', '.env']);

    const blocked = commit(target);

    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('TRACKED_SECRET_FILE .env is staged');
    git(target, ['rm', '-q', '--cached', '.env']);
    stageCleanChange(target);
    const clean = commit(target);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).toContain('lint ok');
  });

  it('a clone where husky has not taken over the hooks yet (no npm install): the hook goes to .git/hooks, with a warning', () => {
    const target = project();
    target.write('.husky/pre-commit', 'echo lint ok\n');

    const installed = install(target);

    expect(installed.stderr).toContain(`installed the pre-commit hook at ${target.path('.git', 'hooks', 'pre-commit')}`);
    expect(installed.stderr).toContain('once npm install lets husky take over the git hooks, this hook stops running; then run devsecrets hook install again');
  });

  it('husky v9 without a pre-commit script: install creates one, uninstall removes it again', () => {
    const target = huskyProject(undefined);
    const before = snapshot(target, ['.husky']);
    expect(install(target).stderr).toContain(`created ${target.path('.husky', 'pre-commit')}`);
    target.write('.env.local', 'X=1\n');
    git(target, ['add', '-f', '.env.local']);
    const blocked = commit(target);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('TRACKED_SECRET_FILE .env.local is staged');

    target.run(['hook', 'uninstall']);

    expect(existsSync(target.path('.husky', 'pre-commit'))).toBe(false);
    expect(snapshot(target, ['.husky'])).toEqual(before);
  });

  it('husky v7/v8 (core.hooksPath=.husky): the line goes below the script\'s sourcing of husky.sh, so it runs once; uninstall restores the script', () => {
    const target = project();
    writeExecutable(target, 'node_modules/.bin/devsecrets', `#!/bin/sh\necho ran >> "$(git rev-parse --show-toplevel)/.git/devsecrets-ran"\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    // A stand-in for husky 8's husky.sh, written for this test: it runs the sourcing script once more, under sh -e.
    target.write('.husky/_/husky.sh', 'if [ -z "$husky_skip_init" ]; then\n  readonly husky_skip_init=1\n  export husky_skip_init\n  sh -e "$0" "$@"\n  exit $?\nfi\n');
    target.write('.husky/_/.gitignore', '*');
    writeExecutable(target, '.husky/pre-commit', '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\necho lint ok\n');
    git(target, ['config', 'core.hooksPath', '.husky']);
    const before = snapshot(target, ['.husky']);

    expect(install(target).stderr).toContain(`added a devsecrets line to ${target.path('.husky', 'pre-commit')}`);
    expect(target.read('.husky', 'pre-commit').split('\n')[2]).toContain('# devsecrets-hook:');
    stageCleanChange(target);
    expect(commit(target).code).toBe(0);
    expect(readFileSync(target.path('.git', 'devsecrets-ran'), 'utf8')).toBe('ran\n');
    target.write('.env', 'X=1\n');
    git(target, ['add', '-f', '.env']);
    expect(commit(target).code).toBe(1);

    target.run(['hook', 'uninstall']);
    expect(snapshot(target, ['.husky'])).toEqual(before);
  });

  it('a chained POSIX sh hook sees its own path as $0: a runner that picks the script by basename "$0" (husky v4 style) still blocks', () => {
    const target = project();
    // The hook sources a runner that, like husky v4's husky.sh, finds what to run from $0.
    writeExecutable(target, '.git/hooks/pre-commit', '#!/bin/sh\n. "$(dirname -- "$0")/runner.sh"\n');
    target.write('.git/hooks/runner.sh', 'name=$(basename -- "$0")\nscript="$(git rev-parse --show-toplevel)/scripts/$name"\n[ -f "$script" ] || exit 0\nsh -e "$script" "$@"\n');
    target.write('scripts/pre-commit', 'echo "$0 refuses" >&2\nexit 1\n');
    const hook = target.path('.git', 'hooks', 'pre-commit');
    const before = snapshot(target, ['.git/hooks']);
    install(target);
    stageCleanChange(target);

    const blocked = commit(target);

    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('scripts/pre-commit refuses');
    target.run(['hook', 'uninstall']);
    expect(snapshot(target, ['.git/hooks'])).toEqual(before);
    expect(readdirSync(join(target.dir, '.git', 'hooks'))).not.toContain('pre-commit.devsecrets-chained');
    expect(modeOf(hook)).toBe(0o755);
  });

  it('a chained sh hook keeps its shebang\'s options (#!/bin/sh -e), and a hook in another language is run as it is', () => {
    const target = project();
    writeExecutable(target, '.git/hooks/pre-commit', '#!/bin/sh -e\nfalse\necho "-e was lost" >&2\n');
    install(target);
    stageCleanChange(target);
    const strict = commit(target);
    expect(strict.code).toBe(1);
    expect(strict.stderr).not.toContain('-e was lost');

    target.run(['hook', 'uninstall']);
    writeExecutable(target, '.git/hooks/pre-commit', `#!${process.execPath}\nconsole.error('node hook as ' + require('node:path').basename(process.argv[1])); process.exit(2);\n`);
    install(target);
    const other = commit(target);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('node hook as pre-commit.devsecrets-chained');
  });
});
