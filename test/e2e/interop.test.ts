/**
 * The store is plain age: the Debian `age` CLI opens it with the identity file. And the
 * store lock serialises concurrent writers, so no `set` is lost.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { available, BIN, STANDARD_MANIFEST, cleanupProjects, createProject, statusOf, type RunResult } from '../helpers/cli.js';

afterEach(cleanupProjects);

const hasAge = available('the age CLI', spawnSync('age', ['--version']).status === 0);

describe('interop with age', () => {
  it.skipIf(!hasAge)('age -d -i <identity file> .devsecrets/store.age prints the store document', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['set', 'LOG_LEVEL', 'error']).code).toBe(0);

    const age = spawnSync('age', ['-d', '-i', project.identityFile(), '.devsecrets/store.age'], { cwd: project.dir, encoding: 'utf8' });

    expect(age.status, age.stderr).toBe(0);
    const document = JSON.parse(age.stdout) as {
      format: number;
      manifest: { version: number; digest: string };
      createdAt: string;
      expiresAt: string;
      generation: number;
      checked: unknown;
      vars: Record<string, { value: string; origin: string; updatedAt: string }>;
      macs: string[];
    };
    expect(document.format).toBe(2);
    expect(document.generation).toBe(2);
    expect(document.macs).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    // The stamp names the checks it was made under: a hash of their code, taken by the build.
    expect(document.checked).toEqual({ manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/), revision: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(document.manifest.version).toBe(1);
    expect(document.manifest.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(document.expiresAt) - Date.parse(document.createdAt)).toBe(30 * 24 * 3600 * 1000);
    expect(Object.keys(document.vars).sort()).toEqual(Object.keys(STANDARD_MANIFEST.vars).sort());
    expect(document.vars.LOG_LEVEL).toMatchObject({ value: 'error', origin: 'set' });
    expect(document.vars.STRIPE_KEY?.origin).toBe('generated');
    expect(document.vars.STRIPE_KEY?.value).toBe(project.run(['get', 'STRIPE_KEY']).stdout.trim());
  });

  it.skipIf(!hasAge)('an adopted store edited with age is checked in full: a hand edit carries no stamp devsecrets made', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const plain = spawnSync('age', ['-d', '-i', project.identityFile(), '.devsecrets/store.age'], { cwd: project.dir });
    const document = JSON.parse(plain.stdout.toString('utf8')) as { checked?: object; vars: Record<string, { value: string; origin: string; updatedAt: string }> };
    expect(document.checked).toBeDefined();
    const edit = { origin: 'set', updatedAt: new Date().toISOString() };
    document.vars.PORT = { value: '99999', ...edit };
    document.vars.DATABASE_URL = { value: 'postgresql://app:app@db.prod.example.com:5432/app?sslmode=disable', ...edit };
    const recipient = (JSON.parse(project.read('.devsecrets', 'store.json')) as { recipient: string }).recipient;
    const encrypted = spawnSync('age', ['-r', recipient, '-o', '.devsecrets/store.age'], { cwd: project.dir, input: JSON.stringify(document) });
    expect(encrypted.status).toBe(0);
    // Adopting keeps values a person set, even invalid ones (sync reports them), and the stamp it writes says they failed.
    expect(project.run(['sync', '--adopt', '--yes']).code).toBe(3);

    const result = project.run(['run', '--', 'sh', '-c', 'echo started']);

    expect(result.stdout).toBe('');
    expect(result.code).toBe(3);
    for (const name of ['PORT', 'DATABASE_URL']) expect(result.stderr).toMatch(new RegExp(`^devsecrets:   ${name}: `, 'm'));
    expect(result.stderr).not.toContain('db.prod.example.com');
  });
});

describe('concurrency', () => {
  it('10 concurrent set processes for different names all persist', async () => {
    const names = Array.from({ length: 10 }, (_, index) => `FLAG_${index}`);
    const vars: Record<string, object> = {};
    for (const name of names) vars[name] = { type: 'string' };
    const project = createProject({ manifest: { version: 1, vars } });
    expect(project.run(['init']).code).toBe(0);

    const results = await Promise.all(names.map((name) => setAsync(project.dir, project.env, name, `value-of-${name}`)));

    for (const [index, result] of results.entries()) expect(result.code, `${names[index]}: ${result.stderr}`).toBe(0);
    for (const name of names) expect(project.run(['get', name]).stdout).toBe(`value-of-${name}\n`);
  });
});

function setAsync(cwd: string, env: Record<string, string>, name: string, value: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'set', name], { cwd, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ code: statusOf(status, signal), stdout, stderr }));
    child.stdin.end(value);
  });
}
