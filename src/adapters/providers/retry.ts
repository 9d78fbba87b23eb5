/**
 * One request policy for every provider: at most 3 attempts, retried only
 * on throttling (HTTP 429, AWS `ThrottlingException`), server failures (5xx) and a cut
 * connection, after an exponential backoff with jitter or the provider's `Retry-After`;
 * each attempt bounded by a timeout. A timeout is not retried: a host that does not
 * answer in 10 s is usually behind a VPN that is off, and three waits would only triple it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DevsecretsError } from '../../core/errors.js';

/** Attempts per read, the first included. */
const ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Overrides the per-request timeout, in milliseconds: tests set it small, a slow VPN large. */
const TIMEOUT_VARIABLE = 'DEVSECRETS_PROVIDER_TIMEOUT_MS';
const MAX_TIMEOUT_MS = 600_000;
const BASE_DELAY_MS = 250;
/** A longer `Retry-After` ends the read at once: nobody waits minutes on a command silently. */
const MAX_RETRY_AFTER_MS = 10_000;

/**
 * The per-request timeout: `DEVSECRETS_PROVIDER_TIMEOUT_MS` of `env`, else 10 s.
 *
 * @throws DevsecretsError `USAGE` (exit 2) when the variable is set but is not a whole
 * number of milliseconds from 1 to 600000
 */
export function requestTimeoutMs(env: NodeJS.ProcessEnv): number {
  const text = env[TIMEOUT_VARIABLE];
  if (text === undefined || text === '') return DEFAULT_TIMEOUT_MS;
  const value = /^[0-9]{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= MAX_TIMEOUT_MS)) {
    throw new DevsecretsError('USAGE', `${TIMEOUT_VARIABLE} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, { hint: `for example: ${TIMEOUT_VARIABLE}=30000` });
  }
  return value;
}

/** The outcome of one attempt: a value, or a failure that may be worth another attempt. */
export type Attempt<T> =
  | { value: T }
  | { failure: DevsecretsError; retry: boolean; retryAfterMs?: number };

/** How {@link withRetries} runs attempts. */
export interface RetryOptions {
  timeoutMs: number;
  /** The caller's signal: aborting it ends the read, between attempts too. */
  signal?: AbortSignal;
  /** The error for an attempt that got no answer within `timeoutMs`. */
  timedOut: () => DevsecretsError;
}

/**
 * Runs `attempt` until it gives a value, a failure not worth retrying, or the third
 * failure. Each attempt gets a signal that aborts after `timeoutMs` (or
 * with the caller's signal), and is abandoned then even if it ignores its signal.
 *
 * @throws DevsecretsError the last attempt's failure, or `timedOut()` for an attempt that
 * did not finish in time
 * @throws the reason of `options.signal` when the caller aborts
 */
export async function withRetries<T>(options: RetryOptions, attempt: (signal: AbortSignal) => Promise<Attempt<T>>): Promise<T> {
  for (let number = 1; ; number += 1) {
    options.signal?.throwIfAborted();
    const outcome = await attemptWithin(options, attempt);
    if ('value' in outcome) return outcome.value;
    if (!outcome.retry || number >= ATTEMPTS) throw outcome.failure;
    const delay = outcome.retryAfterMs ?? backoffMs(number);
    if (delay > MAX_RETRY_AFTER_MS) throw outcome.failure;
    await sleep(delay, undefined, { signal: options.signal }).catch((error: unknown) => {
      throw options.signal?.aborted ? options.signal.reason : error;
    });
  }
}

async function attemptWithin<T>(options: RetryOptions, attempt: (signal: AbortSignal) => Promise<Attempt<T>>): Promise<Attempt<T>> {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, options.timeoutMs);
  const forward = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  // Some work cannot take a signal (the AWS SDK's credential chain): the race bounds it anyway.
  const abandoned = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    return await Promise.race([attempt(controller.signal), abandoned]);
  } catch (error) {
    if (expired) throw options.timedOut();
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
  }
}

/** Exponential, with "equal jitter": half the step is fixed, half random, so retries of many clients spread out. */
function backoffMs(retry: number): number {
  const step = BASE_DELAY_MS * 2 ** (retry - 1);
  return step / 2 + Math.random() * (step / 2);
}

/**
 * Reads an HTTP `Retry-After` header: delay-seconds or an HTTP date.
 *
 * @returns the delay in milliseconds (0 for a date in the past), or undefined when the
 * header is absent or unreadable
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
