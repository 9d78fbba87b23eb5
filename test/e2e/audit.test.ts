// The audit log: every access recorded without values, verified end to end, and safe
// under concurrent writers.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

function auditLines(project: Project): Record<string, unknown>[] {
  return readFileSync(project.path('.devsecrets', 'audit.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('devsecrets audit', () => {
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
    expect(entries[1]).toMatchObject({ command: 'node', seq: 2 });
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
  }, 120_000);

  it('concurrent runs append a valid audit chain', async () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const codes = await Promise.all(Array.from({ length: 12 }, () => runAsync(project, ['run', '--', 'true'])));
    expect(codes.every((code) => code === 0)).toBe(true);
    expect(project.run(['audit', '--verify']).code).toBe(0);
    expect(auditLines(project).filter((entry) => entry.action === 'run')).toHaveLength(12);
  });
});
