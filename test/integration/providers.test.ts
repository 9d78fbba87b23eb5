/**
 * The provider adapters against protocol-level servers on 127.0.0.1 (test/helpers/provider-server.ts):
 * the real AWS SDK speaking JSON 1.1 with SigV4, and Node's fetch for Vault and Doppler.
 * Each adapter's success, every error mapping, the retries and their bound, and the timeout.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseProviderRef, readProvider, type ProviderContext } from '../../src/adapters/providers/index.js';
import { providerReason } from '../../src/adapters/providers/failure.js';
import { retryAfterMs } from '../../src/adapters/providers/retry.js';
import { awsError, awsRequestProblem, awsSecret, closedOrigin, startServer, type Reply, type SeenRequest, type TestServer } from '../helpers/provider-server.js';
import { rejection } from '../helpers/tmp.js';

const servers: TestServer[] = [];
async function serve(reply: (request: SeenRequest, index: number) => Reply): Promise<TestServer> {
  const server = await startServer(reply);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A small per-request timeout, so a hung server fails the read in well under the test's own timeout. */
const FAST_TIMEOUT = { DEVSECRETS_PROVIDER_TIMEOUT_MS: '300' };

describe('provider references', () => {
  it.each([
    ['aws-sm://prod/app', { scheme: 'aws-sm', secretId: 'prod/app' }],
    ['aws-sm://my_secret+v2=x.y@z-1', { scheme: 'aws-sm', secretId: 'my_secret+v2=x.y@z-1' }],
    ['aws-sm://arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-AbCdEf', { scheme: 'aws-sm', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-AbCdEf' }],
    ['aws-sm://arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a', { scheme: 'aws-sm' }],
    ['vault://secret/myapp', { scheme: 'vault', mount: 'secret', path: 'myapp' }],
    ['vault://kv/team/app/production', { scheme: 'vault', mount: 'kv', path: 'team/app/production' }],
    ['doppler://backend/prd', { scheme: 'doppler', project: 'backend', config: 'prd' }],
    ['doppler://my-app/prd_aws', { scheme: 'doppler', project: 'my-app', config: 'prd_aws' }],
    ['mock://42', { scheme: 'mock', seed: '42' }],
    ['mock://', { scheme: 'mock', seed: '' }],
  ])('reads %s', (text, expected) => {
    expect(parseProviderRef(text)).toMatchObject({ ...expected, text });
  });

  it.each([
    ['plain text', 'not a provider reference'],
    ['./.env.example', 'not a provider reference'],
    ['s3://bucket/key', 'unknown provider "s3"'],
    ['AWS-SM://prod/app', 'not a provider reference'],
    ['aws-sm://', 'aws-sm reference is malformed'],
    ['aws-sm://has space', 'aws-sm reference is malformed'],
    ['aws-sm://arn:aws:s3:::bucket', 'aws-sm reference is malformed'],
    ['vault://secret', 'vault reference is malformed'],
    ['vault://secret/', 'vault reference is malformed'],
    ['vault://secret/../sys/seal', 'vault reference is malformed'],
    ['vault://secret/app?version=1', 'vault reference is malformed'],
    ['vault://secret/a%2Fb', 'vault reference is malformed'],
    ['doppler://backend', 'doppler reference is malformed'],
    ['doppler://backend/prd/extra', 'doppler reference is malformed'],
    ['mock://not a seed', 'mock reference is malformed'],
  ])('refuses %s as a usage error (exit 2)', (text, message) => {
    let caught: unknown;
    try {
      parseProviderRef(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect((caught as Error).message).toContain(message);
    expect((caught as { hint: string }).hint).toContain('vault://MOUNT/PATH');
  });

  it('never echoes what follows the scheme of a malformed reference', () => {
    expect(() => parseProviderRef('vault://secret/hunter2 is my password')).toThrow(/^vault reference is malformed/);
    expect(() => parseProviderRef('vault://secret/hunter2 is my password')).not.toThrow(/hunter2/);
  });
});

describe('vault://', () => {
  const TOKEN = 'hvs.CAESIJtestTOKENvault0123456789';
  const env = (server: TestServer, extra: NodeJS.ProcessEnv = {}): ProviderContext => ({ env: { VAULT_ADDR: server.origin, VAULT_TOKEN: TOKEN, ...extra } });
  const secret = (data: unknown): Reply => ({ status: 200, body: { request_id: 'r', lease_duration: 0, data: { data, metadata: { version: 3, deletion_time: '', destroyed: false } } } });

  it('reads data.data of the latest version with the token, over GET /v1/MOUNT/data/PATH', async () => {
    const server = await serve(() => secret({ DATABASE_URL: 'postgresql://db/app', PORT: '5432' }));
    const result = await readProvider('vault://secret/myapp/production', env(server));
    expect(result).toEqual({ ref: 'vault://secret/myapp/production', values: { DATABASE_URL: 'postgresql://db/app', PORT: '5432' } });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'GET', url: '/v1/secret/data/myapp/production' });
    expect(request!.headers['x-vault-token']).toBe(TOKEN);
    expect(request!.headers['x-vault-request']).toBe('true');
    expect(request!.headers['x-vault-namespace']).toBeUndefined();
  });

  it('sends VAULT_NAMESPACE as X-Vault-Namespace, and keeps a path prefix of VAULT_ADDR', async () => {
    const server = await serve(() => secret({ A: 'a' }));
    await readProvider('vault://kv/app', { env: { VAULT_ADDR: `${server.origin}/vault/`, VAULT_TOKEN: TOKEN, VAULT_NAMESPACE: 'team-a' } });
    expect(server.requests[0]!.url).toBe('/vault/v1/kv/data/app');
    expect(server.requests[0]!.headers['x-vault-namespace']).toBe('team-a');
  });

  it('gives numbers and booleans their JSON text, and refuses null, objects and arrays by name', async () => {
    const server = await serve((_, index) => (index === 0 ? secret({ PORT: 8080, DEBUG: false, RATIO: 0.5 }) : secret({ OK: 'x', NESTED: { a: 1 }, LIST: [1], NOTHING: null })));
    expect((await readProvider('vault://secret/app', env(server))).values).toEqual({ PORT: '8080', DEBUG: 'false', RATIO: '0.5' });
    const error = await rejection(readProvider('vault://secret/app', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_RESPONSE_INVALID', exitCode: 4, message: 'vault://secret/app: 3 values are not text' });
    expect(error.issues).toEqual([
      { var: 'NESTED', message: 'is an object, not text' },
      { var: 'LIST', message: 'is an array, not text' },
      { var: 'NOTHING', message: 'is null, not text' },
    ]);
  });

  it.each([
    [403, { errors: ['permission denied'] }, 'PROVIDER_ACCESS_DENIED', 'vault://secret/app: Vault denied access (HTTP 403) (permission denied)', 'vault token capabilities secret/data/app'],
    [401, { errors: ['missing client token'] }, 'PROVIDER_AUTH_FAILED', 'vault://secret/app: Vault refused the token (HTTP 401) (missing client token)', 'vault login'],
    [404, { errors: [] }, 'PROVIDER_NOT_FOUND', 'vault://secret/app: no secret at this path (HTTP 404)', 'KV version 2'],
    [404, { data: { data: null, metadata: { deletion_time: '2024-01-01T00:00:00Z', destroyed: false } } }, 'PROVIDER_NOT_FOUND', 'vault://secret/app: no secret at this path (HTTP 404) (the latest version is deleted)', 'vault kv get -mount=secret app'],
    [404, { data: { data: null, metadata: { deletion_time: '', destroyed: true } } }, 'PROVIDER_NOT_FOUND', 'vault://secret/app: no secret at this path (HTTP 404) (the latest version is destroyed)', 'KV version 2'],
    [400, { errors: ['invalid path for a versioned K/V secrets engine.'] }, 'PROVIDER_FAILED', 'vault://secret/app: Vault refused the request (HTTP 400) (invalid path for a versioned K/V secrets engine)', 'VAULT_ADDR'],
  ])('maps HTTP %i to %s with Vault\'s reason and a hint, in one attempt', async (status, body, code, message, hint) => {
    const server = await serve(() => ({ status, body }));
    const error = await rejection(readProvider('vault://secret/app', env(server)));
    expect(error).toMatchObject({ code, exitCode: 4, message });
    expect(error.hint).toContain(hint);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [{ VAULT_ADDR: undefined }, 'VAULT_ADDR is not set'],
    [{ VAULT_TOKEN: undefined }, 'VAULT_TOKEN is not set'],
    [{ VAULT_TOKEN: '' }, 'VAULT_TOKEN is not set'],
    [{ VAULT_ADDR: 'http://vault.example.com:8200' }, 'VAULT_ADDR must be an https address'],
    [{ VAULT_ADDR: 'https://user:pw@vault.example.com' }, 'VAULT_ADDR holds a user name or password'],
    [{ VAULT_ADDR: 'vault.example.com' }, 'VAULT_ADDR is not a URL'],
    [{ VAULT_ADDR: 'https://vault.example.com:8200/?namespace=a' }, 'VAULT_ADDR must not hold a query or fragment'],
  ])('says what is missing, without a request: %o', async (settings, message) => {
    const server = await serve(() => secret({}));
    const error = await rejection(readProvider('vault://secret/app', { env: { ...env(server).env, ...settings } }));
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', exitCode: 4 });
    expect(error.message).toContain(message);
    expect(error.hint).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it('retries 503 and 429 after a backoff, then succeeds', async () => {
    const server = await serve((_, index) => (index === 0 ? { status: 503, body: { errors: ['Vault is sealed'] } } : index === 1 ? { status: 429, body: { errors: ['rate limit quota exceeded'] } } : secret({ A: 'a' })));
    expect((await readProvider('vault://secret/app', env(server))).values).toEqual({ A: 'a' });
    expect(server.requests).toHaveLength(3);
    const [first, second, third] = server.requests.map((request) => request.at);
    // Equal jitter: the first wait is 125-250 ms, the second 250-500 ms.
    expect(second! - first!).toBeGreaterThanOrEqual(100);
    expect(third! - second!).toBeGreaterThanOrEqual(225);
  });

  it('honours Retry-After', async () => {
    const server = await serve((_, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : secret({ A: 'a' })));
    await readProvider('vault://secret/app', env(server));
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after 3 attempts with the last reason', async () => {
    const server = await serve(() => ({ status: 500, headers: { 'retry-after': '0' }, body: { errors: ['internal error'] } }));
    const error = await rejection(readProvider('vault://secret/app', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', exitCode: 4, message: `vault://secret/app: ${server.origin} answered HTTP 500 (internal error)` });
    expect(error.hint).toContain('try again later');
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than 10 s', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const started = performance.now();
    expect(await rejection(readProvider('vault://secret/app', env(server)))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(server.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('times out a server that never answers, once, at the configured limit', async () => {
    const server = await serve(() => 'hang');
    const started = performance.now();
    const error = await rejection(readProvider('vault://secret/app', { env: { ...env(server).env, ...FAST_TIMEOUT } }));
    expect(error).toMatchObject({ code: 'PROVIDER_TIMEOUT', exitCode: 4, message: `vault://secret/app: ${server.origin} did not answer within 300 ms` });
    expect(error.hint).toContain('DEVSECRETS_PROVIDER_TIMEOUT_MS');
    expect(performance.now() - started).toBeLessThan(3000);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a malformed timeout setting as a usage error', async () => {
    const server = await serve(() => secret({}));
    expect(await rejection(readProvider('vault://secret/app', { env: { ...env(server).env, DEVSECRETS_PROVIDER_TIMEOUT_MS: '10s' } }))).toMatchObject({ code: 'USAGE', exitCode: 2 });
  });

  it('retries a cut connection', async () => {
    const server = await serve((_, index) => (index < 2 ? 'reset' : secret({ A: 'a' })));
    expect((await readProvider('vault://secret/app', env(server))).values).toEqual({ A: 'a' });
    expect(server.requests).toHaveLength(3);
  });

  it('reports a refused connection and an unknown host as unreachable', async () => {
    const refused = await rejection(readProvider('vault://secret/app', { env: { VAULT_ADDR: await closedOrigin(), VAULT_TOKEN: TOKEN } }));
    expect(refused).toMatchObject({ code: 'PROVIDER_UNREACHABLE', exitCode: 4 });
    expect(refused.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: the connection was refused \(ECONNREFUSED\)$/);
    expect(refused.hint).toContain('VAULT_ADDR');
    const unknown = await rejection(readProvider('vault://secret/app', { env: { VAULT_ADDR: 'https://vault.devsecrets-test.invalid', VAULT_TOKEN: TOKEN } }));
    expect(unknown).toMatchObject({ code: 'PROVIDER_UNREACHABLE', exitCode: 4 });
    expect(unknown.message).toMatch(/cannot reach https:\/\/vault\.devsecrets-test\.invalid: the host name (does not resolve|could not be resolved)/);
  });

  it('refuses a token no HTTP header can carry (a stray line break), naming the header, before any request', async () => {
    const server = await serve(() => secret({ A: 'a' }));
    const error = await rejection(readProvider('vault://secret/app', { env: { VAULT_ADDR: server.origin, VAULT_TOKEN: `${TOKEN}\n` } }));
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', exitCode: 4, message: 'vault://secret/app: the X-Vault-Token header would hold a line break or another character HTTP does not allow' });
    expect(error.hint).toContain('copy the token again');
    expect(server.requests).toHaveLength(0);
  });

  it('reports a TLS handshake that fails as unreachable, with the certificate hint', async () => {
    // https to a server that speaks plain http: the handshake fails before any certificate is seen.
    const server = await serve(() => secret({ A: 'a' }));
    const origin = server.origin.replace(/^http:/, 'https:');
    const error = await rejection(readProvider('vault://secret/app', { env: { VAULT_ADDR: origin, VAULT_TOKEN: TOKEN } }));
    expect(error).toMatchObject({ code: 'PROVIDER_UNREACHABLE', exitCode: 4 });
    expect(error.message).toContain(`vault://secret/app: cannot reach ${origin}: the TLS connection failed (`);
    expect(error.message).toMatch(/\(\w*(?:SSL|TLS|CERT)\w*\)$/);
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['a body that is not JSON', { status: 200, body: '<html>login</html>' }, 'is not a JSON document'],
    ['no data.data', { status: 200, body: { data: { keys: ['a'] } } }, 'data.data of the answer is not a JSON object of variables'],
    ['a body over 4 MiB', { status: 200, body: JSON.stringify({ data: { data: { A: 'x'.repeat(4 * 1024 * 1024) } } }) }, 'is not a JSON document'],
  ])('reports %s as an invalid response', async (_, reply, message) => {
    const server = await serve(() => reply as Reply);
    const error = await rejection(readProvider('vault://secret/app', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_RESPONSE_INVALID', exitCode: 4 });
    expect(error.message).toContain(message);
  });

  it('does not follow a redirect, so the token goes nowhere else', async () => {
    const elsewhere = await serve(() => secret({ A: 'a' }));
    const server = await serve(() => ({ status: 307, headers: { location: `${elsewhere.origin}/v1/secret/data/app` } }));
    const error = await rejection(readProvider('vault://secret/app', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_FAILED', exitCode: 4, message: `vault://secret/app: ${server.origin} answered with a redirect (HTTP 307)` });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('ends with the caller\'s reason when the caller aborts, even between attempts', async () => {
    const server = await serve(() => ({ status: 503, headers: { 'retry-after': '5' } }));
    const controller = new AbortController();
    const reason = new Error('stopped by the caller');
    setTimeout(() => controller.abort(reason), 200);
    await expect(readProvider('vault://secret/app', { ...env(server), signal: controller.signal })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});

describe('doppler://', () => {
  const TOKEN = 'dp.st.prd.testTOKENdoppler0123456789';
  const env = (server: TestServer, extra: NodeJS.ProcessEnv = {}): ProviderContext => ({ env: { DOPPLER_API_HOST: server.origin, DOPPLER_TOKEN: TOKEN, ...extra } });

  it('downloads the config as JSON with a bearer token, without Doppler\'s own metadata', async () => {
    const server = await serve(() => ({ status: 200, body: { API_KEY: 'k', PORT: '3000', DOPPLER_PROJECT: 'backend', DOPPLER_CONFIG: 'prd', DOPPLER_ENVIRONMENT: 'prd' } }));
    const result = await readProvider('doppler://backend/prd', env(server));
    expect(result).toEqual({ ref: 'doppler://backend/prd', values: { API_KEY: 'k', PORT: '3000' } });
    const [request] = server.requests;
    const url = new URL(request!.url, server.origin);
    expect(url.pathname).toBe('/v3/configs/config/secrets/download');
    expect(Object.fromEntries(url.searchParams)).toEqual({ project: 'backend', config: 'prd', format: 'json' });
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    [401, 'PROVIDER_AUTH_FAILED', 'doppler://backend/prd: Doppler refused DOPPLER_TOKEN (HTTP 401) (Invalid Auth token)'],
    [403, 'PROVIDER_ACCESS_DENIED', 'doppler://backend/prd: Doppler denied access (HTTP 403) (Invalid Auth token)'],
    [404, 'PROVIDER_NOT_FOUND', 'doppler://backend/prd: no such project or config (HTTP 404) (Invalid Auth token)'],
    [400, 'PROVIDER_FAILED', 'doppler://backend/prd: Doppler refused the request (HTTP 400) (Invalid Auth token)'],
  ])('maps HTTP %i to %s with Doppler\'s messages', async (status, code, message) => {
    const server = await serve(() => ({ status, body: { messages: ['Invalid Auth token'], success: false } }));
    const error = await rejection(readProvider('doppler://backend/prd', env(server)));
    expect(error).toMatchObject({ code, exitCode: 4, message });
    expect(error.hint).toBeTruthy();
  });

  it('needs DOPPLER_TOKEN, and an https DOPPLER_API_HOST', async () => {
    const server = await serve(() => ({ status: 200, body: {} }));
    expect(await rejection(readProvider('doppler://backend/prd', env(server, { DOPPLER_TOKEN: undefined })))).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', message: 'doppler://backend/prd: DOPPLER_TOKEN is not set' });
    expect(await rejection(readProvider('doppler://backend/prd', env(server, { DOPPLER_API_HOST: 'http://api.doppler.example' })))).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
    expect(server.requests).toHaveLength(0);
  });

  it('retries throttling (429) then succeeds, and gives up after 3 attempts', async () => {
    const flaky = await serve((_, index) => (index < 2 ? { status: 429, headers: { 'retry-after': '0' }, body: { messages: ['Rate limit exceeded'] } } : { status: 200, body: { A: 'a' } }));
    expect((await readProvider('doppler://backend/prd', env(flaky))).values).toEqual({ A: 'a' });
    expect(flaky.requests).toHaveLength(3);
    const down = await serve(() => ({ status: 502, body: 'Bad Gateway' }));
    expect(await rejection(readProvider('doppler://backend/prd', env(down)))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: `doppler://backend/prd: ${down.origin} answered HTTP 502` });
    expect(down.requests).toHaveLength(3);
  });

  it('times out', async () => {
    const server = await serve(() => 'hang');
    expect(await rejection(readProvider('doppler://backend/prd', env(server, FAST_TIMEOUT)))).toMatchObject({ code: 'PROVIDER_TIMEOUT', exitCode: 4 });
  });

  it('reports a download that is not an object of variables as an invalid response', async () => {
    const server = await serve(() => ({ status: 200, body: ['API_KEY'] }));
    const error = await rejection(readProvider('doppler://backend/prd', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_RESPONSE_INVALID', exitCode: 4, message: 'doppler://backend/prd: the download is not a JSON object of variables' });
    expect(error.hint).toContain('DOPPLER_API_HOST');
  });
});

describe('aws-sm://', () => {
  const KEY_ID = 'AKIDEXAMPLETESTKEY01';
  const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const REGION = 'eu-west-1';
  const env = (server: TestServer, extra: NodeJS.ProcessEnv = {}): ProviderContext => ({
    env: { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_ENDPOINT_URL_SECRETS_MANAGER: server.origin, ...extra },
  });
  /** Answers like Secrets Manager: refuses anything but a signed GetSecretValue by KEY_ID. */
  const secretsManager = (reply: (secretId: string, index: number) => Reply) => (request: SeenRequest, index: number): Reply => {
    const problem = awsRequestProblem(request, KEY_ID, REGION);
    return problem === undefined ? reply((JSON.parse(request.body) as { SecretId: string }).SecretId, index) : awsError('IncompleteSignature', problem);
  };

  beforeAll(() => {
    // The SDK's chain reads the process's environment and ~/.aws: nothing of this machine's may count.
    for (const name of ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/devsecrets-test/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/devsecrets-test/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('reads SecretString as a JSON object of variables, through a signed GetSecretValue', async () => {
    const server = await serve(secretsManager(() => awsSecret({ SecretString: JSON.stringify({ DATABASE_URL: 'postgresql://db/app', PORT: 5432 }) })));
    const result = await readProvider('aws-sm://prod/app', env(server));
    expect(result).toEqual({ ref: 'aws-sm://prod/app', values: { DATABASE_URL: 'postgresql://db/app', PORT: '5432' } });
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ SecretId: 'prod/app' });
  });

  it('passes an ARN as the secret id, and sends a session token', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-AbCdEf';
    const server = await serve(secretsManager((id) => awsSecret({ ARN: id, SecretString: '{"A":"a"}' })));
    expect((await readProvider(`aws-sm://${arn}`, env(server, { AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLESESSION' }))).values).toEqual({ A: 'a' });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ SecretId: arn });
    expect(server.requests[0]!.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLESESSION');
  });

  it.each([
    ['ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret.', 'PROVIDER_NOT_FOUND', 'no such secret', 'AWS_REGION'],
    ['AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: secretsmanager:GetSecretValue', 'PROVIDER_ACCESS_DENIED', 'Secrets Manager denied access', 'secretsmanager:GetSecretValue'],
    ['DecryptionFailure', 'Secrets Manager can\'t decrypt the protected secret text using the provided KMS key.', 'PROVIDER_ACCESS_DENIED', 'Secrets Manager denied access', 'kms:Decrypt'],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.', 'PROVIDER_AUTH_FAILED', 'Secrets Manager refused the credentials', 'aws sso login'],
    ['InvalidRequestException', 'You can\'t perform this operation on the secret because it was marked for deletion.', 'PROVIDER_FAILED', 'Secrets Manager refused the request', 'secret id'],
  ])('maps %s to %s with the service\'s reason', async (type, message, code, what, hint) => {
    const server = await serve(secretsManager(() => awsError(type, message)));
    const error = await rejection(readProvider('aws-sm://prod/app', env(server)));
    expect(error).toMatchObject({ code, exitCode: 4, message: `aws-sm://prod/app: ${what} (${type}: ${message.replace(/\.$/, '')})` });
    expect(error.hint).toContain(hint);
    expect(server.requests).toHaveLength(1);
  });

  it('reports missing credentials before any request', async () => {
    const server = await serve(secretsManager(() => awsSecret({ SecretString: '{}' })));
    const error = await rejection(readProvider('aws-sm://prod/app', env(server, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined })));
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', exitCode: 4 });
    expect(error.message).toMatch(/^aws-sm:\/\/prod\/app: no AWS credentials were found \(CredentialsProviderError: /);
    expect(error.hint).toContain('AWS_PROFILE');
    expect(server.requests).toHaveLength(0);
  });

  it('reports a missing region, naming the ARN\'s', async () => {
    const server = await serve(secretsManager(() => awsSecret({ SecretString: '{}' })));
    const error = await rejection(readProvider('aws-sm://arn:aws:secretsmanager:ap-south-1:123456789012:secret:x', env(server, { AWS_REGION: undefined })));
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', exitCode: 4, message: 'aws-sm://arn:aws:secretsmanager:ap-south-1:123456789012:secret:x: no AWS region is set' });
    expect(error.hint).toBe('set AWS_REGION (the secret\'s ARN says ap-south-1)');
    const byName = await rejection(readProvider('aws-sm://prod/app', env(server, { AWS_REGION: undefined })));
    expect(byName).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', message: 'aws-sm://prod/app: no AWS region is set', hint: 'set AWS_REGION, or a region in the profile' });
    expect(server.requests).toHaveLength(0);
  });

  it('retries ThrottlingException and 5xx, then succeeds', async () => {
    const server = await serve(secretsManager((_, index) => (index === 0 ? awsError('ThrottlingException', 'Rate exceeded') : index === 1 ? awsError('InternalServiceError', 'An error occurred on the server side.', 500) : awsSecret({ SecretString: '{"A":"a"}' }))));
    expect((await readProvider('aws-sm://prod/app', env(server))).values).toEqual({ A: 'a' });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after 3 attempts', async () => {
    const server = await serve(secretsManager(() => ({ status: 503, body: '<html>Service Unavailable</html>' })));
    const error = await rejection(readProvider('aws-sm://prod/app', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', exitCode: 4, message: 'aws-sm://prod/app: Secrets Manager is throttling or failing (HTTP 503) (SyntaxError)' });
    expect(server.requests).toHaveLength(3);
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => 'hang');
    const started = performance.now();
    const error = await rejection(readProvider('aws-sm://prod/app', env(server, FAST_TIMEOUT)));
    expect(error).toMatchObject({ code: 'PROVIDER_TIMEOUT', exitCode: 4, message: 'aws-sm://prod/app: Secrets Manager did not answer within 300 ms' });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(server.requests).toHaveLength(1);
  });

  it('reports an unreachable endpoint', async () => {
    const error = await rejection(readProvider('aws-sm://prod/app', { env: { ...env(await serve(() => 'hang')).env, AWS_ENDPOINT_URL_SECRETS_MANAGER: await closedOrigin() } }));
    expect(error).toMatchObject({ code: 'PROVIDER_UNREACHABLE', exitCode: 4, message: 'aws-sm://prod/app: cannot reach Secrets Manager: the connection was refused (ECONNREFUSED)' });
  });

  it('refuses an endpoint in plain http to another machine, naming the setting', async () => {
    const server = await serve(secretsManager(() => awsSecret({ SecretString: '{}' })));
    for (const setting of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL']) {
      const { env: base } = env(server);
      delete base.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      const error = await rejection(readProvider('aws-sm://prod/app', { env: { ...base, [setting]: 'http://secrets.example.com' } }));
      expect(error).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', exitCode: 4 });
      expect(error.message).toContain(`${setting} must be an https address`);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('reports a TLS handshake that fails as unreachable, with the certificate hint', async () => {
    // https to a server that speaks plain http: the SDK's handler sees EPROTO, no certificate at all.
    const server = await serve(secretsManager(() => awsSecret({ SecretString: '{}' })));
    const origin = server.origin.replace(/^http:/, 'https:');
    const error = await rejection(readProvider('aws-sm://prod/app', env(server, { AWS_ENDPOINT_URL_SECRETS_MANAGER: origin })));
    expect(error).toMatchObject({ code: 'PROVIDER_UNREACHABLE', exitCode: 4 });
    expect(error.message).toMatch(/^aws-sm:\/\/prod\/app: cannot reach Secrets Manager: the TLS connection failed \(\w+\)$/);
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['a binary secret', awsSecret({ SecretBinary: Buffer.from('binary').toString('base64') }), 'the secret is binary (SecretBinary), not a JSON object of variables'],
    ['a SecretString that is not JSON', awsSecret({ SecretString: 'just-a-password' }), 'the secret is not JSON'],
    ['a SecretString that is a JSON array', awsSecret({ SecretString: '["a"]' }), 'the secret is not a JSON object of variables'],
    ['a SecretString that is not text', awsSecret({ SecretString: 5 }), 'SecretString is not text'],
    ['an answer without SecretString', awsSecret({}), 'the answer holds no SecretString'],
    ['an answer that is not JSON', { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: 'not json' }, 'the answer could not be read as Secrets Manager\'s'],
  ])('reports %s as an invalid response', async (_, reply, what) => {
    const server = await serve(secretsManager(() => reply));
    const error = await rejection(readProvider('aws-sm://prod/app', env(server)));
    expect(error).toMatchObject({ code: 'PROVIDER_RESPONSE_INVALID', exitCode: 4 });
    expect(error.message).toContain(`aws-sm://prod/app: ${what}`);
    expect(server.requests).toHaveLength(1);
  });
});

describe('what the adapters share', () => {
  it('cleans a provider\'s reason: known secrets, token-shaped words, control characters, length', () => {
    expect(providerReason('permission denied for s3cr3t.', ['s3cr3t'])).toBe('permission denied for [redacted]');
    expect(providerReason('bad token hvs.CAESIJ0123456789abcdefghijkl here', [])).toBe('bad token [redacted] here');
    expect(providerReason('path secret/data/some/long/path/without/digits', [])).toBe('path secret/data/some/long/path/without/digits');
    expect(providerReason('line one\n\u001b[31mline two', [])).toBe('line one [31mline two');
    expect(providerReason('x'.repeat(500), [])).toHaveLength(201);
    expect(providerReason(42, [])).toBeUndefined();
    expect(providerReason('  ', [])).toBeUndefined();
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:00 GMT', 4_000)).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
