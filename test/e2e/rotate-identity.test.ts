// `devsecrets rotate --identity`: a new age identity, and a crash at any step leaves a
// store that the identity in place opens (safety invariant 6).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { available, ROTATE_IDENTITY_FAILPOINTS, cleanupProjects, createProject, STANDARD_MANIFEST, type Project } from '../helpers/cli.js';

const hasAge = available('the age CLI', spawnSync('age', ['--version']).status === 0);
const keep = mkdtempSync(join(tmpdir(), 'devsecrets-old-identities-'));
afterEach(() => cleanupProjects());
afterAll(() => rmSync(keep, { recursive: true, force: true }));

const PLANTED = 'sk_test_ROTATErotateROTATErotate';

function prepared(): { project: Project; oldIdentity: string } {
  const project = createProject({ manifest: STANDARD_MANIFEST });
  expect(project.run(['init']).code).toBe(0);
  expect(project.run(['set', 'STRIPE_KEY'], { input: PLANTED }).code).toBe(0);
  const oldIdentity = join(keep, `${Math.random().toString(36).slice(2)}.txt`);
  copyFileSync(project.identityFile(), oldIdentity);
  return { project, oldIdentity };
}

/** Whether the real age CLI decrypts the store with this identity file. */
function ageOpens(project: Project, identityFile: string): boolean {
  return spawnSync('age', ['-d', '-i', identityFile, project.path('.devsecrets', 'store.age')], { encoding: 'utf8' }).status === 0;
}

describe('devsecrets rotate --identity', () => {
  it('re-encrypts to a new identity; the old one no longer opens the store; values unchanged', () => {
    const { project, oldIdentity } = prepared();

    const result = project.run(['rotate', '--identity']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('the old one no longer opens it');
    expect(readFileSync(project.identityFile(), 'utf8')).not.toBe(readFileSync(oldIdentity, 'utf8'));
    expect(project.run(['get', 'STRIPE_KEY']).stdout).toBe(`${PLANTED}\n`);
    expect(existsSync(`${project.identityFile().replace(/\.txt$/, '')}-next.txt`)).toBe(false);
    if (hasAge) {
      expect(ageOpens(project, oldIdentity)).toBe(false);
      expect(ageOpens(project, project.identityFile())).toBe(true);
    }
    expect(project.run(['audit', '--verify']).code).toBe(0);
  });

  it('leaves a DEVSECRETS_IDENTITY_FILE two projects share alone (exit 2), and the hint\'s hand-over rotates one of them', () => {
    const shared = join(keep, `${Math.random().toString(36).slice(2)}-shared.txt`);
    const env = { DEVSECRETS_IDENTITY_FILE: shared };
    const a = createProject({ manifest: STANDARD_MANIFEST });
    const b = createProject({ manifest: STANDARD_MANIFEST });
    expect(a.run(['init'], { env }).code).toBe(0);
    expect(b.run(['init'], { env }).code).toBe(0);
    const identity = readFileSync(shared, 'utf8');

    const refused = a.run(['rotate', '--identity'], { env });

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('devsecrets: error: rotate --identity never replaces the identity file named by DEVSECRETS_IDENTITY_FILE');
    expect(refused.stderr).toContain(`devsecrets: hint: to let devsecrets manage this store's identity, copy the file to ${a.identityFile()} (mode 0600)`);
    expect(refused.stderr).toContain('make a new key with age-keygen');
    expect(readFileSync(shared, 'utf8')).toBe(identity);
    for (const project of [a, b]) expect(project.run(['run', '--', 'true'], { env }).code).toBe(0);

    mkdirSync(dirname(a.identityFile()), { recursive: true, mode: 0o700 });
    copyFileSync(shared, a.identityFile());
    chmodSync(a.identityFile(), 0o600);
    const rotated = a.run(['rotate', '--identity']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(a.run(['run', '--', 'true']).code).toBe(0);
    expect(a.run(['run', '--', 'true'], { env }).code).toBe(4);
    expect(readFileSync(shared, 'utf8')).toBe(identity);
    expect(b.run(['run', '--', 'true'], { env }).code).toBe(0);
    if (hasAge) expect(ageOpens(a, shared)).toBe(false);
  });

  it('refuses names or --seed alongside --identity (exit 2)', () => {
    const { project } = prepared();
    expect(project.run(['rotate', '--identity', 'STRIPE_KEY']).code).toBe(2);
  });

  it.each(ROTATE_IDENTITY_FAILPOINTS)('a kill at %s leaves a store that opens, and a later rotation finishes the job', (step) => {
    const { project, oldIdentity } = prepared();

    const killed = project.run(['rotate', '--identity'], { env: { DEVSECRETS_FAILPOINT: step } });

    expect(killed.code).toBe(128 + 9);
    expect(project.run(['get', 'STRIPE_KEY']).stdout).toBe(`${PLANTED}\n`);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    // A write after the crash keeps the store openable by the identity in place.
    expect(project.run(['set', 'API_TIMEOUT', '42']).code).toBe(0);
    expect(project.run(['get', 'API_TIMEOUT']).stdout).toBe('42\n');

    const again = project.run(['rotate', '--identity']);
    expect(again.code, again.stderr).toBe(0);
    expect(project.run(['get', 'STRIPE_KEY']).stdout).toBe(`${PLANTED}\n`);
    if (hasAge) expect(ageOpens(project, oldIdentity)).toBe(false);
  });
});
