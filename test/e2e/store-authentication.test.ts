/**
 * A store proves who wrote it. age authenticates a file to its file key, not to a sender,
 * so anyone holding the public recipient (it is in .devsecrets/store.json) can write a
 * store that decrypts; devsecrets refuses it unless its document carries a MAC only the
 * identity's holder can make. An older copy put back is refused too, and `sync --adopt`
 * is the one way to accept either, after showing what the store holds.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { available, cleanupProjects, type Project, initialisedProject } from '../helpers/cli.js';
import { encryptLegacy, legacyDocument } from '../helpers/legacy-store.js';

afterEach(cleanupProjects);

const hasAge = available('the age CLI', spawnSync('age', ['--version']).status === 0);

const ATTACKER_URL = 'postgresql://attacker:Sup3rS3cretPw@evil.example.net:5432/app?sslmode=require';
const PRINT_URL = ['node', '-e', 'process.stdout.write("child ran " + process.env.DATABASE_URL)'];

function recipientOf(project: Project): string {
  return (JSON.parse(project.read('.devsecrets', 'store.json')) as { recipient: string }).recipient;
}

/** The store's document, decrypted by the age CLI. */
function ageDecrypt(project: Project): Record<string, unknown> & { vars: Record<string, { value: string; origin: string; updatedAt: string }> } {
  const plain = spawnSync('age', ['-d', '-i', project.identityFile(), '.devsecrets/store.age'], { cwd: project.dir, encoding: 'utf8' });
  expect(plain.status, plain.stderr).toBe(0);
  return JSON.parse(plain.stdout) as ReturnType<typeof ageDecrypt>;
}

/** Replaces the store with `document` encrypted by the age CLI to the public recipient alone. */
function ageEncrypt(project: Project, document: object): void {
  const result = spawnSync('age', ['-r', recipientOf(project), '-o', '.devsecrets/store.age'], { cwd: project.dir, input: JSON.stringify(document) });
  expect(result.status).toBe(0);
}

function stanzaTypes(project: Project): string[] {
  const file = readFileSync(project.path('.devsecrets', 'store.age')).toString('latin1');
  return file.slice(0, file.indexOf('\n---')).split('\n').filter((line) => line.startsWith('-> ')).map((line) => line.split(' ')[1]!);
}

describe.skipIf(!hasAge)('a store written without the identity', () => {
  it('is refused by run (exit 4, STORE_UNAUTHENTICATED), with only the public recipient to forge it', () => {
    const project = initialisedProject();
    const genuine = ageDecrypt(project);
    const forged = {
      ...genuine,
      expiresAt: '2099-01-01T00:00:00.000Z',
      generation: 999,
      vars: { ...genuine.vars, DATABASE_URL: { value: ATTACKER_URL, origin: 'generated', updatedAt: new Date().toISOString() } },
      macs: ['0'.repeat(64)],
    };
    ageEncrypt(project, forged);

    const result = project.run(['run', '--', ...PRINT_URL]);

    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: store does not prove it was written with this identity');
    expect(result.stderr).toContain('[STORE_UNAUTHENTICATED]');
    expect(result.stderr).toContain('devsecrets: hint: if you wrote it yourself, devsecrets sync --adopt shows what it holds and accepts it');
    expect(result.stderr).not.toContain('Sup3rS3cretPw');
  });

  it('is refused by every command that reads values, and reported by doctor', () => {
    const project = initialisedProject();
    ageEncrypt(project, { ...ageDecrypt(project), macs: undefined });

    for (const args of [['get', 'LOG_LEVEL'], ['ls'], ['set', 'LOG_LEVEL', 'warn'], ['rotate'], ['sync']]) {
      const result = project.run(args);
      expect(result.code, args.join(' ')).toBe(4);
      expect(result.stderr).toContain('[STORE_UNAUTHENTICATED]');
    }
    const doctor = project.run(['doctor', '--json']);
    expect(doctor.code).toBe(1);
    const report = JSON.parse(doctor.stdout) as { findings: { code: string; level: string }[] };
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'STORE_UNAUTHENTICATED', level: 'error' }));
  });

  it('in the earlier format, without the identity-key stanza that proved its writer, is refused too', () => {
    const project = initialisedProject();
    ageEncrypt(project, legacyDocument(ageDecrypt(project)));

    const result = project.run(['run', '--', ...PRINT_URL]);

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('[STORE_UNAUTHENTICATED]');
  });
});

describe.skipIf(!hasAge)('sync --adopt', () => {
  it('needs --yes without a terminal, and then leaves the store as it was', () => {
    const project = initialisedProject();
    ageEncrypt(project, { ...ageDecrypt(project), macs: undefined });
    const before = readFileSync(project.path('.devsecrets', 'store.age'));

    const result = project.run(['sync', '--adopt']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('without a terminal to confirm on, it needs --yes');
    expect(readFileSync(project.path('.devsecrets', 'store.age')).equals(before)).toBe(true);
  });

  it('shows what the store holds by name and origin, never a value, and accepts it', () => {
    const project = initialisedProject();
    const document = ageDecrypt(project);
    document.vars.DATABASE_URL = { value: ATTACKER_URL, origin: 'set', updatedAt: new Date().toISOString() };
    ageEncrypt(project, { ...document, macs: undefined });

    const adopted = project.run(['sync', '--adopt', '--yes']);

    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stderr).toContain('devsecrets: warning: the store does not prove it was written with this identity');
    expect(adopted.stderr).toMatch(/it holds 7 variables: ADMIN_EMAIL \(generated\), API_TIMEOUT \(generated\), DATABASE_URL \(set\), .*; it expires /);
    expect(adopted.stderr).not.toContain('Sup3rS3cretPw');
    expect(project.run(['run', '--', ...PRINT_URL]).stdout).toBe(`child ran ${ATTACKER_URL}`);
    expect(ageDecrypt(project).macs).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });

  it('on a store that proves its writer, only syncs', () => {
    const project = initialisedProject();
    const result = project.run(['sync', '--adopt', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('nothing to adopt');
  });
});

describe('an older copy of the store put back', () => {
  it('is refused (exit 4, STORE_ROLLED_BACK) until sync --adopt accepts it', () => {
    const project = initialisedProject();
    const older = readFileSync(project.path('.devsecrets', 'store.age'));
    expect(project.run(['set', 'LOG_LEVEL', 'warn']).code).toBe(0);
    writeFileSync(project.path('.devsecrets', 'store.age'), older, { mode: 0o600 });

    const refused = project.run(['get', 'LOG_LEVEL']);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('devsecrets: error: store is an older copy (generation 1) than the last one devsecrets wrote here (generation 2) [STORE_ROLLED_BACK]');
    expect(refused.stderr).toContain('devsecrets: hint: put the newest .devsecrets/store.age back');

    const adopted = project.run(['sync', '--adopt', '--yes']);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stderr).toContain('older copy (generation 1)');
    expect(project.run(['get', 'LOG_LEVEL']).stdout).toBe('info\n');
    // Adopted as the newest: the copy written before it is now the older one.
    expect(project.run(['set', 'LOG_LEVEL', 'error']).code).toBe(0);
  });

  it('is not confused with a copy of the whole project elsewhere, which shares the store id', () => {
    const project = initialisedProject();
    const copy = `${project.dir}-copy`;
    cpSync(project.dir, copy, { recursive: true });
    try {
      expect(project.run(['set', 'LOG_LEVEL', 'warn'], { cwd: copy }).code).toBe(0);
      expect(project.run(['set', 'LOG_LEVEL', 'warn'], { cwd: copy }).code).toBe(0);

      expect(project.run(['get', 'LOG_LEVEL']).stdout).toBe('info\n');
      expect(project.run(['get', 'LOG_LEVEL'], { cwd: copy }).stdout).toBe('warn\n');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('is not what a save killed after writing the store, before recording its generation, leaves', () => {
    const project = initialisedProject();
    const killed = project.run(['set', 'LOG_LEVEL', 'warn'], { env: { DEVSECRETS_FAILPOINT: 'save:store-written' } });
    expect(killed.code).toBe(128 + 9);

    // The record is behind the store, not ahead of it: the store opens, and the next save moves past both.
    expect(project.run(['get', 'LOG_LEVEL']).stdout).toBe('warn\n');
    expect(project.run(['set', 'LOG_LEVEL', 'error']).code).toBe(0);
    expect(project.run(['get', 'LOG_LEVEL']).stdout).toBe('error\n');
  });

  it('leaves no generation record behind once the store is destroyed', () => {
    const project = initialisedProject();
    const folder = `${project.devsecretsHome}/generations`;
    expect(readdirSync(folder)).toHaveLength(1);
    expect(project.run(['destroy', '--yes']).code).toBe(0);
    expect(existsSync(folder) ? readdirSync(folder) : []).toHaveLength(0);
  });

  it('keeps only the new store\'s generation record once init --force replaced the store', () => {
    const project = initialisedProject();
    const folder = `${project.devsecretsHome}/generations`;
    const replaced = readdirSync(folder);
    expect(project.run(['init', '--force']).code).toBe(0);
    const records = readdirSync(folder);
    expect(records).toHaveLength(1);
    expect(records).not.toEqual(replaced);
  });
});

describe.skipIf(!hasAge)('a store of an earlier devsecrets (identity-key stanza, format 1)', () => {
  it('opens, and the next write makes it plain age with an authenticated document', async () => {
    const project = initialisedProject();
    // Written before generations were recorded: no record here yet.
    rmSync(`${project.devsecretsHome}/generations`, { recursive: true });
    const document = legacyDocument(ageDecrypt(project));
    const identity = readFileSync(project.identityFile(), 'utf8').split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1'))!;
    writeFileSync(project.path('.devsecrets', 'store.age'), await encryptLegacy(JSON.stringify(document), recipientOf(project), [identity]), { mode: 0o600 });
    expect(stanzaTypes(project)).toEqual(['X25519', 'devsecrets/v1/identity-key']);

    const run = project.run(['run', '--', ...PRINT_URL]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^child ran postgresql:\/\//);

    expect(project.run(['set', 'LOG_LEVEL', 'warn']).code).toBe(0);
    expect(stanzaTypes(project)).toEqual(['X25519']);
    const rewritten = ageDecrypt(project);
    expect(rewritten).toMatchObject({ format: 2, generation: 1, macs: [expect.stringMatching(/^[0-9a-f]{64}$/)] });
    expect(rewritten.vars.LOG_LEVEL).toMatchObject({ value: 'warn', origin: 'set' });
  });
});
