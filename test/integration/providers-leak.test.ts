/**
 * The providers' leak test (DESIGN.md safety invariants 5 and 8): a known production value
 * and known tokens are planted in every provider's answers and settings, then driven through
 * a successful read and every error path — servers that echo the token and the value back
 * in their error messages, bodies that are not JSON, values that are not text, hangs.
 *
 * The value may appear only in the `values` of a successful read. Neither may appear in an
 * error (message, hint, issues, any property, its cause), in what the CLI would print for
 * that error (stderr, and the `--json` document on stdout), in anything written to the
 * process's stdout or stderr, a console call or a process warning, or in a file under the
 * temp folder or the home folder.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readProvider, type ProviderContext } from '../../src/adapters/providers/index.js';
import { reportFailure } from '../../src/cli/failure.js';
import { createOutput } from '../../src/cli/output.js';
import { DevsecretsError } from '../../src/core/errors.js';
import { awsError, awsSecret, startServer, type Reply, type SeenRequest, type TestServer } from '../helpers/provider-server.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomAlnum = (length: number): string => Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** Two needles, so that a leak of any part of a planted string is caught. */
const CANARY = 'LEAKCANARY';
const RANDOM = `${randomAlnum(6)}${randomInt(10)}${randomAlnum(3)}`;
const MARK = `${CANARY}${RANDOM}`;
/**
 * The production values the providers hold: a passphrase, which no pattern can tell from
 * prose, where values really flow (answers, bodies that fail to parse); and a token-shaped
 * one that servers echo in error messages. A provider's error message is quoted, cleaned of
 * the request's tokens and of token-shaped words: a read sends no value, so a value can
 * only appear there if a server made one up, and then it is caught only if token-shaped.
 */
const PASSPHRASE = `correct horse ${CANARY} battery ${RANDOM} staple`;
const VALUE = `prod-${MARK}-db-password`;
const VAULT_TOKEN = `hvs.${MARK}vault`;
const DOPPLER_TOKEN = `dp.st.prd.${MARK}`;
const AWS_KEY_ID = 'AKIDEXAMPLELEAKTEST1';
const AWS_SECRET_KEY = `${MARK}/aws+secret`;
const AWS_SESSION_TOKEN = `${MARK}session`;

function leaks(text: string): boolean {
  return text.includes(CANARY) || text.includes(RANDOM);
}

/** Everything written, logged or warned while the reads run. */
const captured: string[] = [];
let home: string;
const servers: TestServer[] = [];

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'devsecrets-provider-leak-'));
  mkdirSync(join(home, 'tmp'));
  vi.stubEnv('HOME', home);
  vi.stubEnv('TMPDIR', join(home, 'tmp'));
  for (const name of ['AWS_PROFILE', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_CONFIG_FILE', join(home, '.aws', 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, '.aws', 'credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) vi.spyOn(console, method).mockImplementation(record);
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      record(String(chunk));
      return true;
    });
  }
  vi.spyOn(process, 'emitWarning').mockImplementation(record as typeof process.emitWarning);
  process.on('warning', record);
});

afterAll(async () => {
  process.off('warning', record);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.map((server) => server.close()));
  rmSync(home, { recursive: true, force: true });
});

function record(...args: unknown[]): void {
  captured.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' '));
}

async function serve(reply: (request: SeenRequest, index: number) => Reply): Promise<TestServer> {
  const server = await startServer(reply);
  servers.push(server);
  return server;
}

/** What the CLI prints for an error: the stderr lines and the `--json` document. */
function printed(error: DevsecretsError): string {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const output = createOutput({ stdout, stderr, env: {} });
  reportFailure(error, ['node', 'devsecrets', 'check', '--from', 'REF', '--json'], output);
  return `${String(stdout.read() ?? '')}${String(stderr.read() ?? '')}`;
}

/** Reads `ref` and checks that nothing planted escapes; returns the outcome for further checks. */
async function expectNoLeak(ref: string, context: ProviderContext): Promise<DevsecretsError | Record<string, string>> {
  try {
    const result = await readProvider(ref, context);
    expect(leaks(result.ref), `${ref}: the returned ref leaks`).toBe(false);
    return result.values;
  } catch (error) {
    expect(error, `${ref}: not a DevsecretsError: ${String(error)}`).toBeInstanceOf(DevsecretsError);
    const failure = error as DevsecretsError;
    const everything = [failure.message, failure.hint ?? '', JSON.stringify(failure.issues), String(failure), inspect(failure, { depth: 8, showHidden: true }), printed(failure)];
    for (const text of everything) expect(leaks(text), `${ref}: the error leaks:\n${text}`).toBe(false);
    expect(failure.cause, `${ref}: the error carries a cause`).toBeUndefined();
    return failure;
  }
}

const echo = `token ${VAULT_TOKEN} ${DOPPLER_TOKEN} value ${VALUE} key ${AWS_SECRET_KEY} session ${AWS_SESSION_TOKEN}`;
const FAST = { DEVSECRETS_PROVIDER_TIMEOUT_MS: '300' };

describe('vault:// leaks nothing', () => {
  const replies: [string, Reply][] = [
    ['403 echoing the token and the value', { status: 403, body: { errors: [`permission denied: ${echo}`] } }],
    ['401 echoing', { status: 401, body: { errors: [echo] } }],
    ['404 echoing', { status: 404, body: { errors: [echo] } }],
    ['400 echoing', { status: 400, body: { errors: [echo, VALUE] } }],
    ['500 echoing, three times', { status: 500, headers: { 'retry-after': '0' }, body: { errors: [echo] } }],
    ['a redirect naming the token', { status: 307, headers: { location: `http://127.0.0.1:1/?token=${VAULT_TOKEN}` }, body: echo }],
    ['a body that is not JSON', { status: 200, body: `not json ${PASSPHRASE}` }],
    ['a short body that is not JSON', { status: 200, body: `x${RANDOM}` }],
    ['a JSON string for data.data', { status: 200, body: { data: { data: PASSPHRASE } } }],
    ['values that are not text', { status: 200, body: { data: { data: { NESTED: { password: PASSPHRASE }, LIST: [PASSPHRASE], NULL: null, HUGE: 2 ** 60 } } } }],
    ['a hang', 'hang'],
  ];

  it.each(replies)('%s', async (_, reply) => {
    const server = await serve(() => reply);
    const outcome = await expectNoLeak('vault://secret/app', { env: { VAULT_ADDR: server.origin, VAULT_TOKEN, ...FAST } });
    expect(outcome).toBeInstanceOf(DevsecretsError);
  });

  it('a successful read returns the value and prints nothing', async () => {
    const server = await serve(() => ({ status: 200, body: { data: { data: { DATABASE_PASSWORD: PASSPHRASE } } } }));
    expect(await expectNoLeak('vault://secret/app', { env: { VAULT_ADDR: server.origin, VAULT_TOKEN } })).toEqual({ DATABASE_PASSWORD: PASSPHRASE });
  });

  it.each([
    [`https://user:${VAULT_TOKEN}@vault.example.com`],
    [`not a url ${VAULT_TOKEN}`],
    [`http://vault.example.com/?token=${VAULT_TOKEN}`],
  ])('a VAULT_ADDR holding the token: %s', async (address) => {
    expect(await expectNoLeak('vault://secret/app', { env: { VAULT_ADDR: address, VAULT_TOKEN } })).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
  });

  it('a VAULT_TOKEN that is no valid header value (fetch quotes it in its own error)', async () => {
    const server = await serve(() => ({ status: 200, body: { data: { data: {} } } }));
    expect(await expectNoLeak('vault://secret/app', { env: { VAULT_ADDR: server.origin, VAULT_TOKEN: `${VAULT_TOKEN}\n${VALUE}` } })).toBeInstanceOf(DevsecretsError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('doppler:// leaks nothing', () => {
  it.each([
    ['401 echoing', { status: 401, body: { messages: [`Invalid token ${echo}`], success: false } }],
    ['403 echoing', { status: 403, body: { messages: [echo], success: false } }],
    ['404 echoing', { status: 404, body: { messages: [echo], success: false } }],
    ['429 echoing, three times', { status: 429, headers: { 'retry-after': '0' }, body: { messages: [echo] } }],
    ['a body that is not JSON', { status: 200, body: `API_KEY=${PASSPHRASE}` }],
    ['values that are not text', { status: 200, body: { API_KEY: { raw: PASSPHRASE, computed: PASSPHRASE } } }],
    ['a hang', 'hang'],
  ] as [string, Reply][])('%s', async (_, reply) => {
    const server = await serve(() => reply);
    expect(await expectNoLeak('doppler://backend/prd', { env: { DOPPLER_API_HOST: server.origin, DOPPLER_TOKEN, ...FAST } })).toBeInstanceOf(DevsecretsError);
  });

  it('a successful read', async () => {
    const server = await serve(() => ({ status: 200, body: { API_KEY: PASSPHRASE } }));
    expect(await expectNoLeak('doppler://backend/prd', { env: { DOPPLER_API_HOST: server.origin, DOPPLER_TOKEN } })).toEqual({ API_KEY: PASSPHRASE });
  });
});

describe('aws-sm:// leaks nothing', () => {
  const env = (server: TestServer): NodeJS.ProcessEnv => ({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: AWS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: AWS_SECRET_KEY,
    AWS_SESSION_TOKEN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: server.origin,
    ...FAST,
  });

  it.each([
    ['a refused token, echoed', awsError('UnrecognizedClientException', `The security token included in the request is invalid: ${echo}`)],
    ['a signature mismatch quoting the canonical request', awsError('InvalidSignatureException', `The request signature we calculated does not match.\n\nThe Canonical String for this request should have been\n'POST\n/\n\nx-amz-security-token:${AWS_SESSION_TOKEN}\n'`)],
    ['an error type carrying the value', awsError(`Invalid${MARK}Type`, echo)],
    ['access denied, echoed', awsError('AccessDeniedException', echo)],
    ['a 503 whose body is not JSON, three times', { status: 503, body: `<html>${PASSPHRASE}</html>` }],
    ['an answer that is not JSON', { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: `{"SecretString": ${PASSPHRASE}` }],
    // V8's JSON errors quote a short text whole, a long one in part: both kinds are planted.
    ['a short answer that is not JSON', { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: `x${RANDOM}` }],
    ['a 503 with a short body that is not JSON', { status: 503, body: `x${RANDOM}` }],
    ['a SecretString that is not JSON', awsSecret({ SecretString: PASSPHRASE })],
    ['a short SecretString that is not JSON', awsSecret({ SecretString: `x${RANDOM}` })],
    ['a SecretString that is a JSON string', awsSecret({ SecretString: JSON.stringify(PASSPHRASE) })],
    ['a SecretString with values that are not text', awsSecret({ SecretString: JSON.stringify({ DB: { password: PASSPHRASE } }) })],
    ['a binary secret', awsSecret({ SecretBinary: Buffer.from(PASSPHRASE).toString('base64') })],
    ['a hang', 'hang'],
  ] as [string, Reply][])('%s', async (_, reply) => {
    const server = await serve(() => reply);
    expect(await expectNoLeak('aws-sm://prod/app', { env: env(server) })).toBeInstanceOf(DevsecretsError);
  });

  it('no credentials', async () => {
    const server = await serve(() => 'hang');
    expect(await expectNoLeak('aws-sm://prod/app', { env: { ...env(server), AWS_ACCESS_KEY_ID: undefined } })).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
  });

  it('a successful read', async () => {
    const server = await serve(() => awsSecret({ SecretString: JSON.stringify({ DB_PASSWORD: PASSPHRASE }) }));
    expect(await expectNoLeak('aws-sm://prod/app', { env: env(server) })).toEqual({ DB_PASSWORD: PASSPHRASE });
  });
});

describe('after every read', () => {
  it('nothing was written to stdout or stderr, logged or warned', () => {
    expect(captured.filter(leaks)).toEqual([]);
    expect(captured).toEqual([]);
  });

  it('no file under the home or temp folder holds a planted string', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(home);
    for (const file of files) expect(leaks(readFileSync(file, 'latin1')), file).toBe(false);
    expect(files).toEqual([]);
  });
});
