// The README's first command on a machine where keytar cannot be built (no libsecret
// headers, no prebuilt binary): a copy of this checkout installed with
// `npm ci --omit=optional`, so keytar is not there at all, must still build — keytar's type
// declarations are not needed — and run the bundled example and `run` on the identity-file
// fallback.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

let copy: string;

/** A clean environment: no D-Bus, so no keychain could answer even if keytar were there. */
function cleanEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', npm_config_update_notifier: 'false' };
}

beforeAll(() => {
  const scratch = mkdtempSync(join(tmpdir(), 'devsecrets-clean-install-'));
  copy = join(scratch, 'devsecrets');
  // What a clone holds: tracked files and new ones not ignored, as they are in the working tree.
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  expect(listed.status).toBe(0);
  for (const file of listed.stdout.split('\0').filter((path) => path !== '' && existsSync(join(REPO, path)))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(REPO, file), join(copy, file));
  }
  const install = spawnSync('npm', ['ci', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: copy, env: cleanEnv(scratch), encoding: 'utf8',
  });
  expect(install.status, install.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  if (copy !== undefined) rmSync(dirname(copy), { recursive: true, force: true });
});

describe('npm ci --omit=optional on a clean copy', () => {
  it('installs without keytar and builds dist/', () => {
    expect(existsSync(join(copy, 'node_modules', 'keytar'))).toBe(false);
    expect(existsSync(join(copy, 'dist', 'cli.cjs'))).toBe(true);
  });

  it('runs the bundled example (npm run example) on the identity-file fallback', () => {
    const example = spawnSync('npm', ['run', 'example', '--silent'], { cwd: copy, env: cleanEnv(dirname(copy)), encoding: 'utf8' });
    expect(example.status, example.stderr).toBe(0);
    expect(example.stdout).toContain('example app started with:');
    expect(example.stdout).toContain('database host localhost, sslmode=require');
  });

  it('init and run work there, and init says where the identity went', () => {
    const project = mkdtempSync(join(tmpdir(), 'devsecrets-clean-project-'));
    try {
      const env = cleanEnv(project);
      spawnSync('git', ['init', '-q'], { cwd: project });
      const cli = (args: string[]) => spawnSync(process.execPath, [join(copy, 'bin', 'devsecrets.js'), ...args], { cwd: project, env, encoding: 'utf8' });
      const init = cli(['init']);
      expect(init.status, init.stderr).toBe(0);
      expect(init.stderr).toMatch(/identity in .*identities\/[0-9a-f-]+\.txt/);
      const run = cli(['run', '--', 'node', '-e', 'process.stdout.write(process.env.PORT ?? "unset")']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^\d+$/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
