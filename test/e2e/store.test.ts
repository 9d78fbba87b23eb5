/**
 * A missing, damaged or foreign store, and identities that are missing, too open or
 * wrong: always exit 4 with a clear message and a hint, never a crash or a stack trace,
 * and never a child started on a partial environment.
 */
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, createProject, type RunResult, initialisedProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const CHILD = ['node', '-e', "process.stdout.write('child ran')"];

/**
 * Exit 4, one error and a hint on stderr, no stack trace, no child; nothing on stdout but,
 * with --json, the error as the one JSON document.
 */
function expectStoreError(result: RunResult, message: string | RegExp, json = false): void {
  expect(result.code).toBe(4);
  if (json) {
    const report = JSON.parse(result.stdout) as { ok: boolean; findings: { code: string; level: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]?.code).toMatch(/^(STORE_UNREADABLE|IDENTITY_MISMATCH)$/);
    expect(report.findings[0]?.level).toBe('error');
  } else {
    expect(result.stdout).toBe('');
  }
  if (typeof message === 'string') expect(result.stderr).toContain(`devsecrets: error: ${message}`);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^devsecrets: hint: .+$/m);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('unexpected failure');
  for (const line of result.stderr.trimEnd().split('\n')) expect(line).toMatch(/^devsecrets: /);
}

describe('store problems', () => {
  it('no store: exit 4 with a hint to run devsecrets init', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });

    for (const args of [['run', '--', ...CHILD], ['get', 'STRIPE_KEY'], ['ls'], ['set', 'LOG_LEVEL', 'warn'], ['unset', 'LOG_LEVEL']]) {
      const result = project.run(args);
      expectStoreError(result, 'no store at .devsecrets/store.age');
      expect(result.stderr).toContain('devsecrets: hint: run devsecrets init');
    }
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2))],
    ['cut after the header', (bytes: Buffer) => bytes.subarray(0, bytes.indexOf('\n---') + 48)],
    ['bit-flipped in the payload', (bytes: Buffer) => flip(bytes, bytes.length - 20)],
    ['bit-flipped in the header', (bytes: Buffer) => flip(bytes, 40)],
    ['garbage', () => randomBytes(600)],
    ['empty', () => Buffer.alloc(0)],
    ['text', () => Buffer.from('DATABASE_URL=postgresql://localhost/app\n')],
  ])('a %s store.age: exit 4, no child', (_label, damage) => {
    const project = initialisedProject();
    const path = project.path('.devsecrets', 'store.age');
    writeFileSync(path, damage(readFileSync(path)));

    for (const args of [['run', '--', ...CHILD], ['get', 'STRIPE_KEY'], ['ls', '--json'], ['set', 'LOG_LEVEL', 'warn']]) {
      const result = project.run(args);
      expectStoreError(result, /^devsecrets: error: store (is corrupt or has been tampered with|cannot be decrypted)/m, args.includes('--json'));
    }
  });

  it('a store encrypted to another identity: exit 4', () => {
    const project = initialisedProject();
    const other = initialisedProject();
    copyFileSync(other.path('.devsecrets', 'store.age'), project.path('.devsecrets', 'store.age'));

    expectStoreError(project.run(['run', '--', ...CHILD]), 'store cannot be decrypted with this identity');
    expectStoreError(project.run(['get', 'STRIPE_KEY']), 'store cannot be decrypted with this identity');
  });

  it('another project\'s store.age and store.json: exit 4 (its identity is elsewhere)', () => {
    const project = initialisedProject();
    const other = initialisedProject();
    for (const file of ['store.age', 'store.json']) copyFileSync(other.path('.devsecrets', file), project.path('.devsecrets', file));

    expectStoreError(project.run(['run', '--', ...CHILD]), /^devsecrets: error: no identity file at /m);
  });

  it('an identity file others can read: exit 4 with a chmod 600 hint', () => {
    const project = initialisedProject();
    const identity = project.identityFile();
    chmodSync(identity, 0o644);

    const result = project.run(['run', '--', ...CHILD]);

    expectStoreError(result, `identity file ${identity} is readable by others`);
    expect(result.stderr).toContain(`devsecrets: hint: chmod 600 ${identity}`);
    chmodSync(identity, 0o600);
    expect(project.run(['run', '--', ...CHILD]).stdout).toBe('child ran');
  });

  it('DEVSECRETS_IDENTITY_FILE pointing at another project\'s identity: exit 4', () => {
    const project = initialisedProject();
    const other = initialisedProject();

    const result = project.run(['run', '--', ...CHILD], { env: { DEVSECRETS_IDENTITY_FILE: other.identityFile() } });

    expectStoreError(result, 'store cannot be decrypted with this identity');
  });

  it('DEVSECRETS_IDENTITY_FILE pointing at a copy of the identity works', () => {
    const project = initialisedProject();
    const copy = join(project.home, 'my-identity.txt');
    copyFileSync(project.identityFile(), copy);
    chmodSync(copy, 0o600);

    const result = project.run(['run', '--', ...CHILD], { env: { DEVSECRETS_IDENTITY_FILE: copy, DEVSECRETS_HOME: join(project.home, 'elsewhere') } });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('child ran');
  });

  it('DEVSECRETS_IDENTITY_FILE pointing at nothing or at a non-identity: exit 4', () => {
    const project = initialisedProject();
    const notAnIdentity = join(project.home, 'notes.txt');
    writeFileSync(notAnIdentity, 'just some notes\n', { mode: 0o600 });

    expectStoreError(project.run(['run', '--', ...CHILD], { env: { DEVSECRETS_IDENTITY_FILE: join(project.home, 'missing.txt') } }), /^devsecrets: error: no identity file at /m);
    expectStoreError(project.run(['run', '--', ...CHILD], { env: { DEVSECRETS_IDENTITY_FILE: notAnIdentity } }), 'identity file');
  });

  it('a garbled store.json: exit 4', () => {
    const project = initialisedProject();
    writeFileSync(project.path('.devsecrets', 'store.json'), '{"format": 1, "storeId": "../../etc/passwd"');

    expectStoreError(project.run(['run', '--', ...CHILD]), 'store metadata .devsecrets/store.json is not valid JSON');
  });
});

function flip(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}
