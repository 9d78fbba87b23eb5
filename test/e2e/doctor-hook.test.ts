/**
 * `devsecrets hook install|uninstall` with real commits: the hook blocks a staged `.env`
 * and a staged leaked value, lets a clean commit through, keeps and still runs a hook that
 * was there before, restores it byte for byte, honours `core.hooksPath`, and blocks with a
 * repair message when it cannot find devsecrets.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, createProject, modeOf, type Project, type RunResult } from '../helpers/cli.js';

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
    target.write('a.txt', 'clean\n');
    git(target, ['add', 'a.txt']);

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
    target.write('a.txt', 'clean\n');
    git(target, ['add', 'a.txt']);

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
    target.write('a.txt', 'clean\n');
    git(target, ['add', 'a.txt']);

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
});
