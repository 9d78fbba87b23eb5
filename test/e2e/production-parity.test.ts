// Production parity with the built CLI and the built library: `check --from`, `init --from`
// and `manifest pull --from` against a provider on 127.0.0.1 (a Vault KV v2 and an AWS
// Secrets Manager stand-in: the real SDK speaks the real protocol to it), and `loadEnv`
// with and without `from`. A production value is planted and searched for in every output
// and every file the commands could write.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject, REPO, waitForExit, type Project, type RunResult } from '../helpers/cli.js';
import { awsRequestProblem, awsSecret, startServer, type Reply, type TestServer } from '../helpers/provider-server.js';
import { productionManifest } from '../helpers/production-manifest.js';

const servers: TestServer[] = [];
afterEach(async () => {
  cleanupProjects();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const MANIFEST = productionManifest({
  PORT: { type: 'port', default: 3000 },
  DEBUG: { type: 'bool', default: false },
  FEATURE_FLAGS: { type: 'json', default: {} },
});
/** Production values, spelt at run time so secret scanners do not take this test for a leak. */
const PASSWORD = ['Zq8vN3kLx2', 'pPtW'].join('');
const LIVE_KEY = `${['sk', 'live'].join('_')}_${'R7t2Wq9L'.repeat(3)}`;
const PRODUCTION = {
  STRIPE_SECRET_KEY: LIVE_KEY,
  DATABASE_URL: `postgresql://app:${PASSWORD}@db-1.prod.acme.internal:5432/app?sslmode=require`,
  PORT: '8080',
  DEBUG: 'true',
  FEATURE_FLAGS: '{"beta":true}',
};
const VAULT_TOKEN = ['hvs', 'CAESIJmLk2xQ8wPz4rT7sV1uY3nB6'].join('.');

async function vault(data: Record<string, string>): Promise<TestServer> {
  const server = await startServer((request): Reply => {
    if (request.headers['x-vault-token'] !== VAULT_TOKEN) return { status: 403, body: { errors: ['permission denied'] } };
    if (request.url !== '/v1/secret/data/shop/production') return { status: 404, body: { errors: [] } };
    return { status: 200, body: { data: { data, metadata: { version: 3 } } } };
  });
  servers.push(server);
  return server;
}

function vaultEnv(server: TestServer): Record<string, string> {
  return { VAULT_ADDR: server.origin, VAULT_TOKEN };
}

/** Runs the CLI without blocking, so the provider in this process can answer it. */
async function cli(project: Project, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return waitForExit(project.start(args, { env }));
}

/** Every file of the project and of its home, as text, for the leak search. */
function everyFile(project: Project): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else texts.push(readFileSync(path, 'latin1'));
    }
  };
  walk(project.dir);
  walk(project.home);
  return texts.join('\n');
}

function expectNoProductionValue(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(LIVE_KEY);
    expect(text).not.toContain(VAULT_TOKEN);
  }
}

describe('check --from', () => {
  it('gates a valid production deployment: exit 0 under the production rules, the local guards never apply', async () => {
    const server = await vault(PRODUCTION);
    const project = createProject({ manifest: MANIFEST });

    const result = await cli(project, ['check', '--from', 'vault://secret/shop/production', '--json'], vaultEnv(server));

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, findings: [] });
    expectNoProductionValue(result.stdout, result.stderr, everyFile(project));
  });

  it('refuses fakes and reports the inventory drift by name only (exit 1)', async () => {
    const server = await vault({ ...PRODUCTION, STRIPE_SECRET_KEY: `sk_live_FAKE${'a'.repeat(20)}`, LEGACY_TOKEN: 'x', PORT: '8080' });
    const project = createProject({ manifest: { ...MANIFEST, vars: { ...MANIFEST.vars, SENTRY_DSN: { type: 'url' }, CDN_URL: { type: 'url', required: false } } } });

    const result = await cli(project, ['check', '--from', 'vault://secret/shop/production', '--json'], vaultEnv(server));

    expect(result.code).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: { code: string; level: string; var: string }[] }).findings;
    expect(findings.map(({ code, level, var: name }) => [code, level, name])).toEqual(expect.arrayContaining([
      ['FAKE_IN_PRODUCTION', 'error', 'STRIPE_SECRET_KEY'],
      ['DRIFT_MISSING_VAR', 'error', 'SENTRY_DSN'],
      ['DRIFT_EXTRA_VAR', 'warn', 'LEGACY_TOKEN'],
      ['DRIFT_MISSING_VAR', 'info', 'CDN_URL'],
    ]));
    expectNoProductionValue(result.stdout, result.stderr);
  });

  it('maps a provider failure to exit 4 with its code and a hint, never a value or a token', async () => {
    const server = await vault(PRODUCTION);
    const project = createProject({ manifest: MANIFEST });

    const missing = await cli(project, ['check', '--from', 'vault://secret/shop/staging'], vaultEnv(server));
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('[PROVIDER_NOT_FOUND]');
    expect(missing.stderr).toMatch(/^devsecrets: hint: /m);

    const unconfigured = await cli(project, ['check', '--from', 'vault://secret/shop/production'], {});
    expect(unconfigured.code).toBe(4);
    expect(unconfigured.stderr).toContain('[PROVIDER_NOT_CONFIGURED]');

    const malformed = await cli(project, ['check', '--from', 'ftp://nope']);
    expect(malformed.code).toBe(2);
    expectNoProductionValue(missing.stderr, unconfigured.stderr, malformed.stderr);
  });

  it('reads AWS Secrets Manager through the real SDK and its standard chain (region, keys, endpoint)', async () => {
    const problems: string[] = [];
    const server = await startServer((request) => {
      const problem = awsRequestProblem(request, 'AKIDEXAMPLEPARITY', 'eu-west-1');
      if (problem !== undefined) problems.push(problem);
      return awsSecret({ SecretString: JSON.stringify(PRODUCTION) });
    });
    servers.push(server);
    const project = createProject({ manifest: MANIFEST });
    const aws = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEPARITY', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-key', AWS_ENDPOINT_URL_SECRETS_MANAGER: server.origin };

    const result = await cli(project, ['check', '--from', 'aws-sm://prod/shop', '--json'], aws);

    expect(result.code, result.stderr).toBe(0);
    expect(problems).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('init --from and manifest pull --from a provider', () => {
  it('init infers the manifest from production values, keeps none of them, and seeds the store with fakes', async () => {
    const server = await vault(PRODUCTION);
    const project = createProject();

    const result = await cli(project, ['init', '--from', 'vault://secret/shop/production'], vaultEnv(server));

    expect(result.code, result.stderr).toBe(0);
    const vars = project.manifest().vars;
    expect(vars.STRIPE_SECRET_KEY).toMatchObject({ type: 'token', prefix: 'sk_live_', secret: true });
    expect(vars.DATABASE_URL).toMatchObject({ type: 'url', secret: true });
    expect(vars.PORT).toMatchObject({ type: 'port' });
    expect(vars.PORT).not.toHaveProperty('default');
    expect(project.run(['get', 'STRIPE_SECRET_KEY']).stdout).toMatch(/^sk_test_FAKE/);
    expectNoProductionValue(result.stdout, result.stderr, everyFile(project));
  });

  it('manifest pull adds the variables the provider holds and the manifest lacks, then sync seeds them', async () => {
    const server = await vault({ ...PRODUCTION, MAILER_API_KEY: `mk_${'Q2w8E4r6T'.repeat(3)}` });
    const project = createProject({ manifest: MANIFEST });
    expect(project.run(['init']).code).toBe(0);

    const pull = await cli(project, ['manifest', 'pull', '--from', 'vault://secret/shop/production'], vaultEnv(server));

    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stderr).toContain('added 1 variable from vault://secret/shop/production');
    expect(project.manifest().vars.MAILER_API_KEY).toMatchObject({ type: 'token', prefix: 'mk_', secret: true });
    expect(project.run(['sync']).code).toBe(0);
    expect(project.run(['get', 'MAILER_API_KEY']).stdout).toMatch(/^mk_/);
    expect(everyFile(project)).not.toContain('Q2w8E4r6T');
    expectNoProductionValue(pull.stdout, pull.stderr, everyFile(project));
  });

  it('manifest pull --json prints one document, the error, when the pulled variables would make the manifest invalid', async () => {
    const server = await vault({ ...PRODUCTION, stripe_secret_key: LIVE_KEY });
    const project = createProject({ manifest: MANIFEST });
    const before = readFileSync(join(project.dir, 'devsecrets.json'), 'utf8');

    const pull = await cli(project, ['manifest', 'pull', '--from', 'vault://secret/shop/production', '--json'], vaultEnv(server));

    expect(pull.code).toBe(3);
    expect(JSON.parse(pull.stdout)).toMatchObject({ ok: false });
    expect(pull.stderr).toContain('nothing was written');
    expect(readFileSync(join(project.dir, 'devsecrets.json'), 'utf8')).toBe(before);
    expectNoProductionValue(pull.stdout, pull.stderr, everyFile(project));
  });
});

interface Library {
  loadEnv(options: { from?: string; cwd?: string; env?: NodeJS.ProcessEnv; cacheTtl?: number }): Promise<Readonly<Record<string, unknown>>>;
}

describe('loadEnv', () => {
  const library = (): Promise<Library> => import(`${REPO}dist/index.js`) as Promise<Library>;

  it('gives the same typed, frozen shape from the store and from a provider', async () => {
    const server = await vault(PRODUCTION);
    const project = createProject({ manifest: MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const { loadEnv } = await library();

    const local = await loadEnv({ cwd: project.dir, env: project.env });
    const production = await loadEnv({ cwd: project.dir, env: { ...project.env, ...vaultEnv(server) }, from: 'vault://secret/shop/production' });

    for (const env of [local, production]) {
      expect(Object.isFrozen(env)).toBe(true);
      expect(Object.keys(env).sort()).toEqual(Object.keys(MANIFEST.vars).sort());
      expect(typeof env.PORT).toBe('number');
      expect(typeof env.DEBUG).toBe('boolean');
      expect(typeof env.FEATURE_FLAGS).toBe('object');
    }
    expect(production).toMatchObject({ PORT: 8080, DEBUG: true, FEATURE_FLAGS: { beta: true }, STRIPE_SECRET_KEY: LIVE_KEY });
    expect(Object.isFrozen(production.FEATURE_FLAGS)).toBe(true);
  });

  it('caches a provider read in memory for cacheTtl, and reads again with 0', async () => {
    const server = await vault(PRODUCTION);
    const project = createProject({ manifest: MANIFEST });
    const { loadEnv } = await library();
    const env = { ...project.env, ...vaultEnv(server) };

    await loadEnv({ cwd: project.dir, env, from: 'vault://secret/shop/production', cacheTtl: 60_000 });
    await loadEnv({ cwd: project.dir, env, from: 'vault://secret/shop/production', cacheTtl: 60_000 });
    expect(server.requests).toHaveLength(1);
    await loadEnv({ cwd: project.dir, env, from: 'vault://secret/shop/production', cacheTtl: 0 });
    expect(server.requests).toHaveLength(2);
    // Other credentials are another read: a cached answer never stands in for their access check.
    const other = await loadEnv({ cwd: project.dir, env: { ...env, VAULT_TOKEN: 'hvs.another-token' }, from: 'vault://secret/shop/production', cacheTtl: 60_000 }).catch((caught: unknown) => caught);
    expect(server.requests).toHaveLength(3);
    expect(other).toMatchObject({ code: 'PROVIDER_ACCESS_DENIED' });
  });

  it('refuses a provider holding fakes under the production rules (exit code 3), naming variables only', async () => {
    const server = await vault({ ...PRODUCTION, DATABASE_URL: 'postgresql://dev_abc123:FAKEabcdefgh12345678@localhost:5432/app_fake?sslmode=require' });
    const project = createProject({ manifest: MANIFEST });
    const { loadEnv } = await library();

    const error = await loadEnv({ cwd: project.dir, env: { ...project.env, ...vaultEnv(server) }, from: 'vault://secret/shop/production', cacheTtl: 0 }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'FAKE_IN_PRODUCTION', exitCode: 3, issues: [{ var: 'DATABASE_URL' }] });
    expectNoProductionValue(JSON.stringify(error), String(error));
  });

  it('mock://SEED gives an app\'s tests deterministic, valid values with no store and no network', async () => {
    const project = createProject({ manifest: MANIFEST });
    const { loadEnv } = await library();

    const first = await loadEnv({ cwd: project.dir, env: project.env, from: 'mock://42', cacheTtl: 0 });
    const again = await loadEnv({ cwd: project.dir, env: project.env, from: 'mock://42', cacheTtl: 0 });
    const other = await loadEnv({ cwd: project.dir, env: project.env, from: 'mock://43', cacheTtl: 0 });

    expect(again).toEqual(first);
    expect(other.STRIPE_SECRET_KEY).not.toBe(first.STRIPE_SECRET_KEY);
    expect(first.STRIPE_SECRET_KEY).toMatch(/^sk_test_FAKE/);
    expect(readdirSync(project.dir)).not.toContain('.devsecrets');
  });
});
