/**
 * A JSON GET with Node's own `fetch`, for the providers that speak plain HTTP (Vault,
 * Doppler), under the request policy of `retry.ts`. Throttling and server failures are
 * handled here, the same for every provider; other statuses are the provider's to explain.
 *
 * Tokens go only to an https address, or over http to this machine (a dev server), and
 * redirects are not followed: `fetch` would carry a custom token header (`X-Vault-Token`) to
 * whatever host the redirect names. Bodies are read up to a bound, so a broken or hostile
 * server cannot fill memory, and a body is parsed but never quoted.
 */
import type { DevsecretsError } from '../../core/errors.js';
import { networkFailure, networkHint, providerError, providerReason, timeoutHint } from './failure.js';
import type { ProviderContext } from './index.js';
import { requestTimeoutMs, retryAfterMs, withRetries, type Attempt } from './retry.js';

/** One GET of a JSON document from a provider. */
export interface JsonRequest {
  /** The reference being read, as messages name it. */
  ref: string;
  url: URL;
  headers: Record<string, string>;
  /** The environment variable that names the server, for hints (`VAULT_ADDR`). */
  setting: string;
  /** The request's tokens: never printed, even when the server echoes them back. */
  secrets: readonly string[];
  /** The read's context: its `env` sets the timeout, its signal ends the request. */
  context: ProviderContext;
  /** The provider's own explanation in the parsed body of an error response, if it has one. */
  reasonOf(body: unknown): unknown;
  /** The error for a status that is neither a success, a redirect, throttling nor a server failure. */
  failure(status: number, reason: string | undefined): DevsecretsError;
}

/** Secrets Manager caps a secret at 64 KiB, Doppler and Vault at a few MiB; nothing larger is an answer. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * GETs `request.url` and parses the answer as JSON.
 *
 * @returns the parsed document of a 2xx response
 * @throws DevsecretsError `USAGE` for a malformed timeout setting (see `requestTimeoutMs`);
 * `PROVIDER_NOT_CONFIGURED` for a header HTTP cannot carry (a token with a line break);
 * `PROVIDER_UNREACHABLE`, `PROVIDER_TIMEOUT`, `PROVIDER_UNAVAILABLE`
 * (429 or 5xx, after the retries), `PROVIDER_RESPONSE_INVALID` (a body that is not JSON or
 * too large), `PROVIDER_FAILED` (a redirect), or what `request.failure` returns
 * @throws the reason of the context's signal when the caller aborts
 */
export async function getJson(request: JsonRequest): Promise<unknown> {
  const target = request.url.origin;
  const timeoutMs = requestTimeoutMs(request.context.env);
  // fetch refuses such a header with a TypeError quoting it; named here, never shown.
  const unsendable = Object.keys(request.headers).find((header) => !/^[\t\x20-\x7e\x80-\xff]*$/.test(request.headers[header]!));
  if (unsendable !== undefined) {
    throw providerError('PROVIDER_NOT_CONFIGURED', request.ref, `the ${unsendable} header would hold a line break or another character HTTP does not allow`, 'copy the token again: it holds a stray line break or control character');
  }
  return withRetries(
    {
      timeoutMs,
      signal: request.context.signal,
      timedOut: () => providerError('PROVIDER_TIMEOUT', request.ref, `${target} did not answer within ${timeoutMs} ms`, timeoutHint(target)),
    },
    (signal) => attempt(request, target, signal),
  );
}

async function attempt(request: JsonRequest, target: string, signal: AbortSignal): Promise<Attempt<unknown>> {
  let response: Response;
  try {
    response = await fetch(request.url, { headers: request.headers, redirect: 'manual', signal });
  } catch (error) {
    if (signal.aborted) throw error;
    const network = networkFailure(error);
    if (network === undefined) {
      return { failure: providerError('PROVIDER_UNREACHABLE', request.ref, `cannot reach ${target}`, `check ${request.setting} (${target})`, (error as Error).name), retry: false };
    }
    return { failure: providerError(network.code, request.ref, `cannot reach ${target}: ${network.what}`, networkHint(network, target, request.setting), network.cause), retry: network.retry };
  }

  if (response.ok) {
    const document = parseJson(await readText(response, MAX_BODY_BYTES));
    if (document === undefined) {
      return { failure: providerError('PROVIDER_RESPONSE_INVALID', request.ref, `${target} answered with something that is not a JSON document`, `check that ${request.setting} (${target}) is the provider's API and not a proxy or login page`), retry: false };
    }
    return { value: document.value };
  }

  const reason = providerReason(request.reasonOf(parseJson(await readText(response, MAX_ERROR_BODY_BYTES))?.value), request.secrets);
  if (response.status >= 300 && response.status < 400) {
    return { failure: providerError('PROVIDER_FAILED', request.ref, `${target} answered with a redirect (HTTP ${response.status})`, `set ${request.setting} to the server that answers itself: devsecrets does not send a token on to another address`), retry: false };
  }
  if (response.status === 429 || response.status >= 500) {
    const failure = providerError('PROVIDER_UNAVAILABLE', request.ref, `${target} answered HTTP ${response.status}`, 'the provider is throttling requests or failing: try again later', reason);
    const delay = retryAfterMs(response.headers.get('retry-after'));
    return { failure, retry: true, ...(delay === undefined ? {} : { retryAfterMs: delay }) };
  }
  return { failure: request.failure(response.status, reason), retry: false };
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
async function readText(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream.
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The parsed document, boxed so that a JSON `null` is told apart from no document at all. */
function parseJson(text: string | undefined): { value: unknown } | undefined {
  if (text === undefined) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    // The parser's message quotes the text: it is dropped, never shown.
    return undefined;
  }
}

/** A provider's list of messages (Vault's `errors`, Doppler's `messages`) as one reason, or undefined when it holds no text. */
export function joinedMessages(list: unknown): string | undefined {
  const texts = Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string' && item !== '') : [];
  return texts.length > 0 ? texts.join('; ') : undefined;
}

/**
 * Checks the address of an HTTP provider, so that its token and answer travel only over TLS
 * or within this machine, and the token never in the URL.
 *
 * @throws DevsecretsError `PROVIDER_NOT_CONFIGURED` naming `setting`, never its text (a
 * mistyped address may hold anything)
 */
export function checkedAddress(text: string, setting: string, ref: string, hint: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw providerError('PROVIDER_NOT_CONFIGURED', ref, `${setting} is not a URL`, hint);
  }
  if (url.username !== '' || url.password !== '') {
    throw providerError('PROVIDER_NOT_CONFIGURED', ref, `${setting} holds a user name or password`, `take the credentials out of ${setting}`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw providerError('PROVIDER_NOT_CONFIGURED', ref, `${setting} must be an https address (plain http only to this machine): the token and the values would cross the network in clear text`, hint);
  }
  if (url.search !== '' || url.hash !== '') {
    throw providerError('PROVIDER_NOT_CONFIGURED', ref, `${setting} must not hold a query or fragment`, hint);
  }
  return url;
}
