// The scenario: a manifest that mirrors production (a live Stripe prefix, a forbid
// rule for production hosts) gates a real production environment with `check --env
// production`, while the local store gets test-spelled fakes that `run` accepts.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject, type Project } from '../helpers/cli.js';
import { productionManifest } from '../helpers/production-manifest.js';

afterEach(cleanupProjects);

const MANIFEST = productionManifest({
  API_HOST: { type: 'hostname' },
  SUPPORT_EMAIL: { type: 'email' },
  PORT: { type: 'port', default: 3000 },
  LOG_LEVEL: { type: 'enum', values: ['info', 'debug'], default: 'info' },
});
const LIVE_KEY = `sk_live_${'R7t2Wq9L'.repeat(3)}`;
const PROD_URL = 'postgresql://app:Zq8vN3kLx2pP@db-1.prod.acme.internal:5432/app?sslmode=require';
const PROD_ENV = [`STRIPE_SECRET_KEY=${LIVE_KEY}`, `DATABASE_URL=${PROD_URL}`, 'API_HOST=api.acme.com', 'SUPPORT_EMAIL=help@acme.com', 'PORT=8080'].join('\n');

interface Report { ok: boolean; findings: { code: string; var?: string; message: string }[] }

function check(project: Project, args: string[]): { code: number; report: Report; stderr: string } {
  const result = project.run(['check', ...args, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

describe('check --env production', () => {
  it('accepts a valid production environment that the local rules refuse', () => {
    const project = createProject({ manifest: MANIFEST, files: { 'prod.env': PROD_ENV } });

    const production = check(project, ['--env', 'production', '--env-file', 'prod.env']);
    expect(production.report).toEqual({ ok: true, findings: [] });
    expect(production.code).toBe(0);

    const local = check(project, ['--env-file', 'prod.env']);
    expect(local.code).toBe(1);
    expect(local.report.findings.map((finding) => [finding.code, finding.var])).toEqual(expect.arrayContaining([
      ['DRIFT_INVALID_VALUE', 'STRIPE_SECRET_KEY'], ['INSECURE_VALUE', 'STRIPE_SECRET_KEY'], ['INSECURE_VALUE', 'DATABASE_URL'],
    ]));
    for (const output of [JSON.stringify(local.report), JSON.stringify(production.report)]) {
      expect(output).not.toContain(LIVE_KEY);
      expect(output).not.toContain('Zq8vN3kLx2pP');
    }
  });

  it('refuses the store\'s fakes (FAKE_IN_PRODUCTION) and developer hosts, naming only variables', () => {
    const project = createProject({ manifest: MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    // The local store: test-spelled fakes, which run accepts.
    expect(project.run(['get', 'STRIPE_SECRET_KEY']).stdout).toMatch(/^sk_test_FAKE[A-Za-z0-9]{20}\n$/);
    const dump = project.run(['run', '--', 'node', '-e', `for (const n of ${JSON.stringify(Object.keys(MANIFEST.vars))}) console.log(n + '=' + process.env[n])`]);
    expect(dump.code, dump.stderr).toBe(0);
    writeFileSync(project.path('copied.env'), dump.stdout);

    const copied = check(project, ['--env', 'production', '--env-file', 'copied.env']);

    expect(copied.code).toBe(1);
    const byVar = Object.fromEntries(copied.report.findings.map((finding) => [finding.var, finding.code]));
    expect(byVar).toMatchObject({ API_HOST: 'FAKE_IN_PRODUCTION', SUPPORT_EMAIL: 'FAKE_IN_PRODUCTION', DATABASE_URL: 'FAKE_IN_PRODUCTION' });
    // The fake Stripe key has the test spelling: production needs the live prefix.
    expect(copied.report.findings).toContainEqual(expect.objectContaining({ code: 'DRIFT_INVALID_VALUE', var: 'STRIPE_SECRET_KEY', message: 'STRIPE_SECRET_KEY: must start with sk_live_' }));
    for (const line of dump.stdout.trim().split('\n')) {
      const value = line.slice(line.indexOf('=') + 1);
      if (value.length >= 8) expect(JSON.stringify(copied.report)).not.toContain(value);
    }
  });

  it('is a usage error with an unknown side', () => {
    const project = createProject({ manifest: MANIFEST });
    const result = project.run(['check', '--env', 'staging']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("argument 'staging' is invalid");
  });
});

describe('the local side of a live token prefix', () => {
  it('sync keeps the test-spelled fake and a test key the person set; a jwt signed with such a key is checked', () => {
    const project = createProject({
      manifest: productionManifest({
        SESSION_JWT: { type: 'jwt', signedWith: 'STRIPE_SECRET_KEY', secret: true },
      }),
    });
    expect(project.run(['init']).code).toBe(0);
    const fake = project.run(['get', 'STRIPE_SECRET_KEY']).stdout;
    expect(fake).toMatch(/^sk_test_FAKE/);

    const first = project.run(['sync']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('regenerated');
    expect(project.run(['get', 'STRIPE_SECRET_KEY']).stdout).toBe(fake);

    const testKey = `sk_test_${'P4s8Xk2M'.repeat(3)}`;
    expect(project.run(['set', 'STRIPE_SECRET_KEY'], { input: testKey }).code).toBe(0);
    const second = project.run(['sync']);
    expect(second.code, second.stderr).toBe(0);
    // The token it was signed with changed: the generated jwt no longer verifies and is made again.
    expect(second.stderr).toContain('regenerated (no longer valid): SESSION_JWT');
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });
});
