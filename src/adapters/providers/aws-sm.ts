/**
 * `aws-sm://SECRET_ID`: AWS Secrets Manager's `GetSecretValue` through the AWS SDK for
 * JavaScript v3 (`@aws-sdk/client-secrets-manager`, an optional dependency imported here
 * only, when such a reference is read). The secret's `SecretString` is a JSON object of
 * variables.
 *
 * Credentials, region and endpoint come from the SDK's standard chain. The settings the
 * chain reads from the environment are taken from the context's `env` — `AWS_PROFILE`,
 * `AWS_REGION`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`,
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`/`AWS_ENDPOINT_URL` — with the SDK's own precedence
 * (a profile wins over static keys); the rest of the chain (`~/.aws` files, SSO, web
 * identity, container and instance metadata) is the SDK's, on the process's environment.
 * The SDK's own retries are off: the policy of `retry.ts` is the same for every provider.
 */
import { networkFailure, networkHint, providerError, providerReason, timeoutHint, type ProviderErrorCode } from './failure.js';
import { checkedAddress } from './http.js';
import type { ProviderContext, ProviderRef } from './index.js';
import { requestTimeoutMs, withRetries, type Attempt } from './retry.js';
import { toVariables } from './variables.js';

type AwsRef = Extract<ProviderRef, { scheme: 'aws-sm' }>;

/**
 * The part of the SDK used here, declared here rather than taken from the SDK's own types:
 * the SDK is an optional dependency, absent after `npm ci --omit=optional`, and the build
 * must not depend on it. The tests drive the real SDK through these shapes.
 */
interface Sdk {
  SecretsManagerClient: new (config: ClientConfig) => Client;
  GetSecretValueCommand: new (input: { SecretId: string }) => object;
}
interface ClientConfig {
  maxAttempts: number;
  region?: string;
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}
interface Client {
  send(command: object, options: { abortSignal: AbortSignal }): Promise<SecretValue>;
  destroy(): void;
}
interface SecretValue {
  SecretString?: unknown;
  SecretBinary?: unknown;
}
// A variable, so that neither the type checker nor a bundler resolves it at build time.
const SDK_MODULE: string = '@aws-sdk/client-secrets-manager';

const SERVICE = 'Secrets Manager';
const ENDPOINT_SETTINGS = 'AWS_REGION and AWS_ENDPOINT_URL_SECRETS_MANAGER';
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const REFUSED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'ExpiredToken',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

/**
 * Reads the secret's current version.
 *
 * @throws DevsecretsError `PROVIDER_NOT_CONFIGURED` when the SDK is not installed, or the
 * chain finds no credentials or no region; `PROVIDER_AUTH_FAILED` when the credentials are
 * refused; `PROVIDER_ACCESS_DENIED` (`AccessDeniedException`, or KMS's `DecryptionFailure`);
 * `PROVIDER_NOT_FOUND` (`ResourceNotFoundException`); `PROVIDER_UNREACHABLE`,
 * `PROVIDER_TIMEOUT`; `PROVIDER_UNAVAILABLE` (throttled or 5xx after the retries);
 * `PROVIDER_RESPONSE_INVALID` (an answer the SDK cannot read, a binary secret, a
 * `SecretString` that is not a JSON object of text); `PROVIDER_FAILED` (any other refusal)
 */
export async function readValues(ref: AwsRef, context: ProviderContext): Promise<Record<string, string>> {
  const { env } = context;
  const timeoutMs = requestTimeoutMs(env);
  const sdk = await loadSdk(ref);
  // Servers echo what they were sent (a signature mismatch quotes the canonical request).
  const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_ACCESS_KEY_ID];
  const client = newClient(sdk, env, ref);
  try {
    const output = await withRetries(
      {
        timeoutMs,
        signal: context.signal,
        timedOut: () => providerError('PROVIDER_TIMEOUT', ref.text, `${SERVICE} did not answer within ${timeoutMs} ms`, timeoutHint(`the ${SERVICE} endpoint`)),
      },
      async (signal): Promise<Attempt<SecretValue>> => {
        try {
          return { value: await client.send(new sdk.GetSecretValueCommand({ SecretId: ref.secretId }), { abortSignal: signal }) };
        } catch (error) {
          if (signal.aborted) throw error;
          return failureOf(error, ref, secrets);
        }
      },
    );
    return variablesOf(output, ref);
  } finally {
    client.destroy();
  }
}

async function loadSdk(ref: AwsRef): Promise<Sdk> {
  try {
    return (await import(SDK_MODULE)) as Sdk;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw providerError('PROVIDER_NOT_CONFIGURED', ref.text, 'reading AWS Secrets Manager needs @aws-sdk/client-secrets-manager, which is not installed', 'npm install @aws-sdk/client-secrets-manager (an optional dependency of devsecrets, left out by --omit=optional)');
  }
}

/** The SDK's environment variable that silences its warning about future Node versions. */
const NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

function newClient(sdk: Sdk, env: NodeJS.ProcessEnv, ref: AwsRef): Client {
  const setting = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? 'AWS_ENDPOINT_URL_SECRETS_MANAGER' : 'AWS_ENDPOINT_URL';
  const endpoint = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : env[setting];
  // As for Vault and Doppler: the answer holds production's values, and a session token goes with the request.
  if (endpoint) checkedAddress(endpoint, setting, ref.text, `unset ${setting} to use the region's own endpoint`);
  // The SDK's chain prefers a profile to static keys when both are set; so does this.
  const keys = !env.AWS_PROFILE && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
    : undefined;
  const config: ClientConfig = {
    maxAttempts: 1,
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(keys === undefined ? {} : { credentials: keys }),
  };
  // On Node < 22 the constructor writes to stderr, through process.emitWarning, that SDK
  // releases from 2027 will need Node 22: a matter of devsecrets' dependency range, not the
  // user's, and stderr carries devsecrets' own diagnostics. The SDK reads the switch while
  // constructing, synchronously, so setting it only meanwhile leaves the process as it was.
  const before = process.env[NODE_WARNING_SWITCH];
  process.env[NODE_WARNING_SWITCH] = 'true';
  try {
    return new sdk.SecretsManagerClient(config);
  } finally {
    if (before === undefined) delete process.env[NODE_WARNING_SWITCH];
    else process.env[NODE_WARNING_SWITCH] = before;
  }
}

/** An SDK error as an attempt's failure. */
function failureOf(error: unknown, ref: AwsRef, secrets: readonly (string | undefined)[]): Attempt<never> {
  const network = networkFailure(error);
  if (network !== undefined) {
    return { failure: providerError(network.code, ref.text, `cannot reach ${SERVICE}: ${network.what}`, networkHint(network, `the ${SERVICE} endpoint`, ENDPOINT_SETTINGS), network.cause), retry: network.retry };
  }
  const { name, message, $fault: fault, $metadata: metadata } = (error ?? {}) as { name?: unknown; message?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: number } };
  const errorName = typeof name === 'string' ? name : 'Error';
  const status = metadata?.httpStatusCode;
  const fromService = fault === 'client' || fault === 'server';
  const fromChain = errorName === 'CredentialsProviderError' || errorName === 'TokenProviderError';
  // Only a service's or the credential chain's message is quoted: the SDK's parse errors quote the body.
  const reason = fromService || fromChain ? providerReason(`${errorName}: ${String(message)}`, secrets) : errorName === 'Error' ? undefined : providerReason(errorName, secrets);
  const final = (code: ProviderErrorCode, what: string, hint: string): Attempt<never> => ({ failure: providerError(code, ref.text, what, hint, reason), retry: false });

  if (fromChain) return final('PROVIDER_NOT_CONFIGURED', 'no AWS credentials were found', 'set AWS_PROFILE (after aws sso login or aws configure), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  if (message === 'Region is missing') {
    const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(ref.secretId)?.[1];
    return final('PROVIDER_NOT_CONFIGURED', 'no AWS region is set', `set AWS_REGION${region === undefined ? ', or a region in the profile' : ` (the secret's ARN says ${region})`}`);
  }
  if (THROTTLED.has(errorName) || status === 429 || (status !== undefined && status >= 500)) {
    return {
      failure: providerError('PROVIDER_UNAVAILABLE', ref.text, `${SERVICE} is throttling or failing${status === undefined ? '' : ` (HTTP ${status})`}`, `${SERVICE} is throttling requests or failing: try again later`, reason),
      retry: true,
    };
  }
  if (errorName === 'ResourceNotFoundException') return final('PROVIDER_NOT_FOUND', 'no such secret', 'check the secret\'s name or ARN, and that AWS_REGION (or the profile\'s region) is the secret\'s region');
  if (DENIED.has(errorName) || errorName === 'DecryptionFailure') return final('PROVIDER_ACCESS_DENIED', `${SERVICE} denied access`, 'the credentials need secretsmanager:GetSecretValue on this secret, and kms:Decrypt on its KMS key');
  if (REFUSED_CREDENTIALS.has(errorName)) return final('PROVIDER_AUTH_FAILED', `${SERVICE} refused the credentials`, 'they may be expired, revoked or mistyped: refresh them (aws sso login, or new access keys)');
  if (fromService) return final('PROVIDER_FAILED', `${SERVICE} refused the request`, 'check the secret id and the AWS settings');
  if (status !== undefined) return final('PROVIDER_RESPONSE_INVALID', `the answer could not be read as ${SERVICE}'s`, `check ${ENDPOINT_SETTINGS}: the endpoint may not be ${SERVICE}`);
  return final('PROVIDER_FAILED', 'the AWS SDK failed', `check ${ENDPOINT_SETTINGS} and the credentials' settings`);
}

function variablesOf(output: SecretValue, ref: AwsRef): Record<string, string> {
  const hint = 'store the variables as key/value pairs: a JSON object of strings in SecretString';
  const { SecretString: text, SecretBinary: binary } = output;
  if (typeof text !== 'string') {
    const what = text !== undefined ? 'SecretString is not text' : binary !== undefined ? 'the secret is binary (SecretBinary), not a JSON object of variables' : 'the answer holds no SecretString';
    throw providerError('PROVIDER_RESPONSE_INVALID', ref.text, what, hint);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message quotes the secret: it is dropped.
    throw providerError('PROVIDER_RESPONSE_INVALID', ref.text, 'the secret is not JSON', hint);
  }
  return toVariables(document, ref.text, 'the secret', hint);
}
