/**
 * `devsecrets init`, end to end: the manifest, the git ignores, the store and its
 * identity file, re-runs, --force, --seed, --from, and interrupted or damaged states.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, STANDARD_MANIFEST, cleanupProjects, createProject, modeOf, type Project } from '../helpers/cli.js';

afterEach(cleanupProjects);

const SEED = 'a1'.repeat(32);
const OTHER_SEED = 'b2'.repeat(32);

function gitIgnores(project: Project, path: string): boolean {
  const result = spawnSync('git', ['check-ignore', '-q', path], { cwd: project.dir, env: project.env });
  if (result.status !== 0 && result.status !== 1) throw new Error(`git check-ignore failed for ${path}`);
  return result.status === 0;
}

describe('devsecrets init', () => {
  it('creates the manifest from the starter template when there is none', () => {
    const project = createProject();

    const result = project.run(['init']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: created devsecrets.json from the starter template');
    const template = JSON.parse(readFileSync(join(REPO, 'templates', 'devsecrets.json'), 'utf8')) as unknown;
    expect(project.manifest()).toEqual(template);
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(true);
  });

  it('makes git ignore the store and local .env files, but never .env.example', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { '.gitignore': 'node_modules/\n' } });

    const result = project.run(['init']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('.gitignore now ignores .devsecrets/ and local .env files');
    const gitignore = project.read('.gitignore');
    expect(gitignore.startsWith('node_modules/\n')).toBe(true);
    expect(gitignore).toContain('# >>> devsecrets >>>');
    expect(gitignore).toContain('# <<< devsecrets <<<');
    for (const path of ['.devsecrets/store.age', '.devsecrets/store.json', '.env', '.env.local', '.env.production.local']) {
      expect(gitIgnores(project, path), path).toBe(true);
    }
    expect(gitIgnores(project, '.env.example')).toBe(false);
    // The root .gitignore covers .devsecrets/ by itself, not only the folder's own `*`.
    const verbose = spawnSync('git', ['check-ignore', '-v', '.devsecrets/store.age'], { cwd: project.dir, env: project.env, encoding: 'utf8' });
    expect(verbose.stdout).toMatch(/^\.gitignore:\d+:\.devsecrets\//);
    expect(project.read('.devsecrets', '.gitignore').trim()).toBe('*');
    // What `git add -A` would stage: the manifest and .gitignore, nothing else.
    const staged = spawnSync('git', ['add', '-A', '--dry-run'], { cwd: project.dir, env: project.env, encoding: 'utf8' });
    expect(staged.stdout.trim().split('\n').sort()).toEqual(["add '.gitignore'", "add 'devsecrets.json'"]);

    // A second init leaves the block as it is: one block, not two.
    expect(project.run(['init']).code).toBe(0);
    expect(project.read('.gitignore').split('# >>> devsecrets >>>').length).toBe(2);
  });

  it('writes the store 0600 in a 0700 folder, and the identity to a 0600 fallback file without D-Bus', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });

    const result = project.run(['init']);

    expect(result.code).toBe(0);
    expect(modeOf(project.path('.devsecrets'))).toBe(0o700);
    expect(modeOf(project.path('.devsecrets', 'store.age'))).toBe(0o600);
    expect(modeOf(project.path('.devsecrets', 'store.json'))).toBe(0o600);
    const meta = JSON.parse(project.read('.devsecrets', 'store.json')) as { storeId: string; identity: string; recipient: string };
    expect(meta.identity).toBe('file');
    const identityFile = join(project.devsecretsHome, 'identities', `${meta.storeId}.txt`);
    expect(modeOf(identityFile)).toBe(0o600);
    expect(modeOf(join(project.devsecretsHome, 'identities'))).toBe(0o700);
    expect(modeOf(project.devsecretsHome)).toBe(0o700);
    const lines = readFileSync(identityFile, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^# created: \d{4}-\d\d-\d\dT/);
    expect(lines[1]).toBe(`# public key: ${meta.recipient}`);
    expect(lines[2]).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    // The fallback is announced, with where the identity went; the identity itself is not printed.
    expect(result.stderr).toContain(`devsecrets: warning: no OS keychain answered: the identity is kept in ${identityFile} (mode 0600)`);
    expect(result.stderr).not.toContain('AGE-SECRET-KEY');
    expect(result.stderr).toContain('store created with 7 fake values');
    expect(result.stdout).toBe('');
  });

  it('says why with DEVSECRETS_KEYCHAIN=off', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const result = project.run(['init'], { env: { DEVSECRETS_KEYCHAIN: 'off' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('devsecrets: warning: DEVSECRETS_KEYCHAIN=off: the identity is kept in');
  });

  it('keeps an existing store when run again', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const before = readFileSync(project.path('.devsecrets', 'store.age'));

    const again = project.run(['init']);

    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('devsecrets: a store already exists at .devsecrets/store.age; kept it (--force replaces it)');
    expect(readFileSync(project.path('.devsecrets', 'store.age')).equals(before)).toBe(true);
  });

  it('replaces the store with --force --yes, deleting the old identity file', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const oldIdentity = project.identityFile();
    expect(project.run(['set', 'LOG_LEVEL', 'warn']).code).toBe(0);

    const result = project.run(['init', '--force', '--yes']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('store created with 7 fake values');
    expect(existsSync(oldIdentity)).toBe(false);
    const newIdentity = project.identityFile();
    expect(newIdentity).not.toBe(oldIdentity);
    expect(modeOf(newIdentity)).toBe(0o600);
    const ls = project.run(['ls', '--json']);
    expect(ls.code).toBe(0);
    const rows = (JSON.parse(ls.stdout) as { vars: { name: string; origin: string }[] }).vars;
    expect(rows.every((row) => row.origin === 'generated')).toBe(true);
  });

  it('--seed makes the fakes reproducible', () => {
    const first = createProject({ manifest: STANDARD_MANIFEST });
    const second = createProject({ manifest: STANDARD_MANIFEST });
    const third = createProject({ manifest: STANDARD_MANIFEST });
    expect(first.run(['init', '--seed', SEED]).code).toBe(0);
    expect(second.run(['init', '--seed', SEED]).code).toBe(0);
    expect(third.run(['init', '--seed', OTHER_SEED]).code).toBe(0);

    for (const name of ['STRIPE_KEY', 'DATABASE_URL', 'SESSION_KEY']) {
      const a = first.run(['get', name]);
      const b = second.run(['get', name]);
      const c = third.run(['get', name]);
      expect(a.code).toBe(0);
      expect(a.stdout.length).toBeGreaterThan(1);
      expect(b.stdout, name).toBe(a.stdout);
      expect(c.stdout, name).not.toBe(a.stdout);
    }
    // Same fakes, but never the same store id or identity.
    expect(first.identityFile()).not.toBe(second.identityFile());
  });

  it.each([['xyz'], ['abcd'], ['g'.repeat(64)], ['a'.repeat(33)]])('refuses --seed %s with exit 2', (seed) => {
    const project = createProject({ manifest: STANDARD_MANIFEST });

    const result = project.run(['init', '--seed', seed]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: --seed must be hex, at least 32 digits (16 bytes)');
    expect(result.stderr).toContain('devsecrets: hint: ');
    expect(existsSync(project.path('.devsecrets'))).toBe(false);
  });

  it('--from .env.example infers names, types and secret flags', () => {
    const project = createProject({
      files: {
        '.env.example': [
          '# copy to .env',
          'DATABASE_URL=postgresql://app:changeme@localhost:5432/app?sslmode=require',
          'PORT=3000',
          'API_TIMEOUT=30',
          'DEBUG=false',
          'ADMIN_EMAIL=admin@example.test',
          'CACHE_TTL=5m',
          'STRIPE_SECRET_KEY=sk_test_replace_me',
          'APP_NAME=shop',
          '',
        ].join('\n'),
      },
    });

    const result = project.run(['init', '--from', '.env.example']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: created devsecrets.json from .env.example');
    const manifest = project.manifest();
    expect(Object.keys(manifest.vars)).toEqual(['DATABASE_URL', 'PORT', 'API_TIMEOUT', 'DEBUG', 'ADMIN_EMAIL', 'CACHE_TTL', 'STRIPE_SECRET_KEY', 'APP_NAME']);
    expect(manifest.vars.DATABASE_URL).toEqual({ type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true, description: 'copy to .env' });
    expect(manifest.vars.PORT).toEqual({ type: 'port', default: 3000 });
    expect(manifest.vars.API_TIMEOUT).toEqual({ type: 'int', default: 30 });
    expect(manifest.vars.DEBUG).toEqual({ type: 'bool', default: false });
    expect(manifest.vars.ADMIN_EMAIL?.type).toBe('email');
    expect(manifest.vars.CACHE_TTL).toEqual({ type: 'duration', default: '5m' });
    // `replace_me` is a placeholder: it gives no prefix, length or alphabet.
    expect(manifest.vars.STRIPE_SECRET_KEY).toEqual({ type: 'token', charset: 'base64url', secret: true });
    expect(manifest.vars.APP_NAME).toEqual({ type: 'string', default: 'shop' });
    // Example values of secrets never make it into the committed manifest.
    expect(project.read('devsecrets.json')).not.toContain('changeme');
    expect(project.read('devsecrets.json')).not.toContain('sk_test_replace_me');
    expect(gitIgnores(project, '.env.example')).toBe(false);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });

  it('--from refuses to replace an existing manifest', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { '.env.example': 'FOO=bar\n' } });
    const before = project.read('devsecrets.json');

    const result = project.run(['init', '--from', '.env.example']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/devsecrets: error: .*devsecrets\.json already exists; --from only creates a new manifest/);
    expect(result.stderr).toContain('devsecrets: hint: ');
    expect(project.read('devsecrets.json')).toBe(before);
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(false);
  });

  it('a store whose identity file was deleted: exit 4 with a hint, never overwritten', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    rmSync(project.identityFile());
    const before = readFileSync(project.path('.devsecrets', 'store.age'));

    const run = project.run(['run', '--', 'true']);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/devsecrets: error: no identity file at .*identities\/.*\.txt/);
    expect(run.stderr).toContain('devsecrets: hint: ');

    const init = project.run(['init']);
    expect(init.code).toBe(4);
    expect(init.stderr).toContain('devsecrets: error: a store exists but its identity is missing in its identity file');
    expect(init.stderr).toContain('devsecrets: hint: restore the identity, or start over with devsecrets init --force');
    expect(readFileSync(project.path('.devsecrets', 'store.age')).equals(before)).toBe(true);

    expect(project.run(['init', '--force', '--yes']).code).toBe(0);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });

  it('a store whose store.json was deleted: exit 4', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    rmSync(project.path('.devsecrets', 'store.json'));

    const run = project.run(['run', '--', 'true']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('devsecrets: error: store metadata .devsecrets/store.json is missing');
    expect(run.stderr).toContain('devsecrets: hint: ');

    const init = project.run(['init']);
    expect(init.code).toBe(4);
    expect(init.stderr).toContain('devsecrets: error: a store exists but its metadata (.devsecrets/store.json) is missing');
    expect(init.stderr).toContain('devsecrets: hint: ');
  });

  it('finishes an interrupted init: identity and metadata present, store missing', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const identity = project.identityFile();
    const meta = project.read('.devsecrets', 'store.json');
    rmSync(project.path('.devsecrets', 'store.age'));

    const result = project.run(['init']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: finished an interrupted init: store created with 7 fake values');
    expect(project.identityFile()).toBe(identity);
    expect(existsSync(identity)).toBe(true);
    expect(project.read('.devsecrets', 'store.json')).toBe(meta);
    expect(modeOf(project.path('.devsecrets', 'store.age'))).toBe(0o600);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });
});
