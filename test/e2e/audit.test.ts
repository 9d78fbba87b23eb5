// The audit log: every access recorded without values, verified end to end, and safe
// under concurrent writers.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanupProjects, createProject, STANDARD_MANIFEST, statusOf, type Project } from '../helpers/cli.js';

afterEach(() => cleanupProjects());

/** Runs devsecrets without blocking, so several can run at once. */
function runAsync(project: Project, args: string[], input = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: project.dir, env: project.env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(statusOf(code, signal)));
    child.stdin.end(input);
  });
}

/** The head names the log's last line: its sequence number and hash. */
function expectHeadAtEnd(project: Project): void {
  const lines = readFileSync(project.path('.devsecrets', 'audit.log'), 'utf8').trim().split('\n');
  const head = JSON.parse(project.read('.devsecrets', 'audit.head')) as { seq: number; hash: string };
  expect(head.seq).toBe(lines.length);
  expect(head.hash).toBe(createHash('sha256').update(lines.at(-1)!).digest('hex'));
}

function auditLines(project: Project): Record<string, unknown>[] {
  return readFileSync(project.path('.devsecrets', 'audit.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('devsecrets audit', () => {
  it('rewrites the head in place: one 512-byte record, the same file from entry to entry', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const head = project.path('.devsecrets', 'audit.head');
    const before = statSync(head);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    const after = statSync(head);
    expect([after.ino, after.size, after.mode & 0o777]).toEqual([before.ino, 512, 0o600]);
    expectHeadAtEnd(project);
  });

  it('records a run that decrypted the store and then refused to start, with the refusal code', () => {
    const project = createProject({ manifest: { ...STANDARD_MANIFEST, ttl: '1s' } });
    expect(project.run(['init']).code).toBe(0);
    spawnSync('sleep', ['1.2']);
    expect(project.run(['run', '--', 'true']).code).toBe(4);
    project.writeManifest({ ...STANDARD_MANIFEST, version: 2 });
    expect(project.run(['run', '--allow-expired', '--', 'true']).code).toBe(4);

    const [expired, drifted] = auditLines(project).slice(-2);
    expect(expired).toMatchObject({ action: 'run', command: 'true', refused: 'STORE_EXPIRED' });
    expect(drifted).toMatchObject({ action: 'run', command: 'true', refused: 'DRIFT_MANIFEST_VERSION' });
    expect(project.run(['audit']).stdout).toContain('run true (refused: STORE_EXPIRED)');
    expect(project.run(['audit', '--verify']).code).toBe(0);
  });

  it('records each access with names, the command name, pid and user — never a value or an argument', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['run', '--', 'node', '-e', "'argument-not-logged'"]).code).toBe(0);
    expect(project.run(['set', 'STRIPE_KEY'], { input: 'sk_test_AUDITauditAUDITauditAUDI' }).code).toBe(0);
    expect(project.run(['get', 'STRIPE_KEY']).code).toBe(0);
    expect(project.run(['unset', 'ADMIN_EMAIL']).code).toBe(0);
    expect(project.run(['rotate']).code).toBe(0);

    const entries = auditLines(project);
    expect(entries.map((entry) => entry.action)).toEqual(['init', 'run', 'set', 'get', 'unset', 'rotate']);
    expect(entries[1]).toMatchObject({ command: 'node', seq: 2, vars: Object.keys(STANDARD_MANIFEST.vars) });
    expect(entries[2]).toMatchObject({ vars: ['STRIPE_KEY'] });
    const raw = readFileSync(project.path('.devsecrets', 'audit.log'), 'utf8');
    expect(raw).not.toContain('AUDITaudit');
    expect(raw).not.toContain('argument-not-logged');

    const listing = project.run(['audit']);
    expect(listing.code).toBe(0);
    expect(listing.stdout.split('\n').filter(Boolean)).toHaveLength(6);
    expect(listing.stdout).toMatch(/run node/);

    const verified = project.run(['audit', '--verify']);
    expect(verified.code).toBe(0);
    expect(verified.stderr).toContain('verified 6 entries');

    const json = JSON.parse(project.run(['audit', '--json']).stdout) as { ok: boolean; entries: unknown[] };
    expect(json.ok).toBe(true);
    expect(json.entries).toHaveLength(6);
  });

  it.each([
    ['edited', (lines: string[]) => { lines[2] = lines[2]!.replace('"STRIPE_KEY"', '"DATABASE_URL"'); }, 3],
    ['deleted', (lines: string[]) => { lines.splice(1, 1); }, 2],
    ['inserted', (lines: string[]) => { lines.splice(1, 0, lines[0]!); }, 2],
    ['reordered', (lines: string[]) => { [lines[1], lines[2]] = [lines[2]!, lines[1]!]; }, 2],
  ])('--verify catches a line %s, at the exact line (exit 1, AUDIT_CHAIN_BROKEN)', (_what, tamper, line) => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    expect(project.run(['set', 'STRIPE_KEY'], { input: 'sk_test_AUDITauditAUDITauditAUDI' }).code).toBe(0);
    expect(project.run(['get', 'PORT']).code).toBe(0);
    const path = project.path('.devsecrets', 'audit.log');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    tamper(lines);
    writeFileSync(path, `${lines.join('\n')}\n`);

    const result = project.run(['audit', '--verify']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`AUDIT_CHAIN_BROKEN audit.log line ${line} `);
    const json = JSON.parse(project.run(['audit', '--verify', '--json']).stdout) as { ok: boolean; findings: { code: string }[] };
    expect(json).toMatchObject({ ok: false, findings: [{ code: 'AUDIT_CHAIN_BROKEN' }] });
    const doctor = project.run(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stderr).toContain(`AUDIT_CHAIN_BROKEN audit.log line ${line} `);
  });

  /** A store with four entries; the log and its head, as written. */
  function fourEntries(): { project: Project; log: string; head: string } {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    expect(project.run(['get', 'PORT']).code).toBe(0);
    expect(project.run(['get', 'LOG_LEVEL']).code).toBe(0);
    return { project, log: project.read('.devsecrets', 'audit.log'), head: project.read('.devsecrets', 'audit.head') };
  }

  /** `audit --verify` and `doctor` both fail with this AUDIT_CHAIN_BROKEN message. */
  function expectBroken(project: Project, message: string): void {
    const verify = project.run(['audit', '--verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`AUDIT_CHAIN_BROKEN ${message}`);
    const doctor = project.run(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stderr).toContain(`AUDIT_CHAIN_BROKEN ${message}`);
  }

  it('keeps a signed head of the last line in .devsecrets/audit.head (mode 0600)', () => {
    const { project, log } = fourEntries();
    const head = JSON.parse(project.read('.devsecrets', 'audit.head')) as Record<string, unknown>;
    const last = log.trim().split('\n').at(-1)!;
    expect(head).toEqual({ store: JSON.parse(last).store, seq: 4, hash: createHash('sha256').update(last).digest('hex'), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(statSync(project.path('.devsecrets', 'audit.head')).mode & 0o777).toBe(0o600);
  });

  it('--verify catches the whole log rewritten under another store id with recomputed hashes', () => {
    const { project, log } = fourEntries();
    let prev = '0'.repeat(64);
    const forged = log.trim().split('\n').map((line) => {
      const { mac: _mac, ...entry } = JSON.parse(line) as Record<string, unknown>;
      const rewritten = JSON.stringify({ ...entry, store: 'another-store', prev, mac: '' });
      prev = createHash('sha256').update(rewritten).digest('hex');
      return rewritten;
    });
    writeFileSync(project.path('.devsecrets', 'audit.log'), `${forged.join('\n')}\n`);
    expectBroken(project, 'audit.log line 4 is not the line audit.head records (it was edited or replaced)');
    rmSync(project.path('.devsecrets', 'audit.head'));
    expectBroken(project, 'audit.head is missing');
  });

  it.each([
    ['the last line cut off', (log: string) => `${log.trim().split('\n').slice(0, 3).join('\n')}\n`, 'audit.log line 4 is missing: the log ends after line 3, but audit.head records 4 lines (lines were cut off its end)'],
    ['the last two lines cut off', (log: string) => `${log.trim().split('\n').slice(0, 2).join('\n')}\n`, 'audit.log line 3 is missing: the log ends after line 2'],
    ['the log emptied', () => '', 'audit.log line 1 is missing: the log is empty, but audit.head records 4 lines (it was emptied)'],
  ])('--verify catches %s, and the next entry does not hide it', (_what, cut, message) => {
    const { project, log } = fourEntries();
    writeFileSync(project.path('.devsecrets', 'audit.log'), cut(log));
    expectBroken(project, message);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    expect(project.run(['audit', '--verify']).stderr).toMatch(/AUDIT_CHAIN_BROKEN audit\.log line \d has sequence number 5/);
  });

  it('--verify catches a removed log, and a removed log and head', () => {
    const { project } = fourEntries();
    rmSync(project.path('.devsecrets', 'audit.log'));
    expectBroken(project, 'audit.log is missing, but audit.head records 4 lines (it was removed)');
    rmSync(project.path('.devsecrets', 'audit.head'));
    expectBroken(project, 'audit.log and audit.head are missing, but the store exists (they were removed)');
  });

  it('a line written past the head (a crash between the two writes) verifies, and the next entry moves the head', () => {
    const { project, head } = fourEntries();
    expect(project.run(['get', 'PORT']).code).toBe(0);
    // The state a crash right after writing line 5 leaves: the head still names line 4.
    writeFileSync(project.path('.devsecrets', 'audit.head'), head);
    const verified = project.run(['audit', '--verify']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain('verified 5 entries');
    expect(project.run(['doctor']).stderr).not.toContain('AUDIT_CHAIN_BROKEN');
    expect(project.run(['get', 'PORT']).code).toBe(0);
    expect(JSON.parse(project.read('.devsecrets', 'audit.head'))).toMatchObject({ seq: 6 });
  });

  it('a head copied from another project does not verify', () => {
    const { project } = fourEntries();
    const other = fourEntries();
    copyFileSync(other.project.path('.devsecrets', 'audit.head'), project.path('.devsecrets', 'audit.head'));
    expectBroken(project, 'audit.head does not verify for this store (it was edited or replaced)');
    expect(existsSync(project.path('.devsecrets', 'audit.log'))).toBe(true);
  });

  it('keeps the record when the store is destroyed; the chain still verifies', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['destroy', '--yes']).code).toBe(0);
    expect(project.run(['init']).code).toBe(0);
    const result = project.run(['audit', '--verify']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('verified 3 entries (2 from earlier stores, checked by the chain only)');
  });
});

describe('concurrency', () => {
  it('two processes setting 50 values each lose no write, and the audit chain stays valid', async () => {
    const vars: Record<string, object> = {};
    for (const side of ['A', 'B']) for (let i = 0; i < 50; i++) vars[`${side}_${i}`] = { type: 'string' };
    const project = createProject({ manifest: { version: 1, vars } });
    expect(project.run(['init']).code).toBe(0);

    const writer = async (side: string): Promise<number[]> => {
      const codes: number[] = [];
      for (let i = 0; i < 50; i++) codes.push(await runAsync(project, ['set', `${side}_${i}`], `${side}-value-${i}`));
      return codes;
    };
    const codes = (await Promise.all([writer('A'), writer('B')])).flat();

    expect(codes.every((code) => code === 0)).toBe(true);
    const listing = JSON.parse(project.run(['ls', '--json']).stdout) as { vars: { name: string; origin: string; value: string }[] };
    const set = listing.vars.filter((row) => row.origin === 'set');
    expect(set).toHaveLength(100);
    expect(project.run(['get', 'B_49']).stdout).toBe('B-value-49\n');
    expect(project.run(['audit', '--verify']).code).toBe(0);
    expect(auditLines(project).filter((entry) => entry.action === 'set')).toHaveLength(100);
    expectHeadAtEnd(project);
  }, 120_000);

  it('concurrent runs append a valid audit chain', async () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const codes = await Promise.all(Array.from({ length: 12 }, () => runAsync(project, ['run', '--', 'true'])));
    expect(codes.every((code) => code === 0)).toBe(true);
    expect(project.run(['audit', '--verify']).code).toBe(0);
    expect(auditLines(project).filter((entry) => entry.action === 'run')).toHaveLength(12);
    expectHeadAtEnd(project);
  });
});
