/**
 * How a provider's failure becomes a {@link DevsecretsError} (exit 4): a stable
 * `PROVIDER_*` code, a message naming the reference, and a hint.
 *
 * The provider's own reason (Vault's `errors`, Doppler's `messages`, an AWS error's
 * `message`) is the one piece of outside text a message may quote, and only after
 * {@link providerReason} has cleaned it: providers echo what they were sent, so every token
 * of the request and every token-shaped word goes. A response body, a parser's message (V8's
 * JSON errors quote the text they choke on) or an error object (the AWS SDK hangs the raw
 * response on it) is never quoted and never attached as a cause.
 */
import { DevsecretsError, type ErrorCode } from '../../core/errors.js';

/** The error codes of provider failures. */
export type ProviderErrorCode = Extract<ErrorCode, `PROVIDER_${string}`>;

/**
 * The error for a failed read of `ref`: `ref: what (reason)`.
 *
 * @param reason the provider's own words, already cleaned by {@link providerReason}
 */
export function providerError(code: ProviderErrorCode, ref: string, what: string, hint: string, reason?: string): DevsecretsError {
  return new DevsecretsError(code, reason === undefined ? `${ref}: ${what}` : `${ref}: ${what} (${reason})`, { hint });
}

const MAX_REASON_LENGTH = 200;
/** Tokens, keys and passwords are long unbroken runs of these; ordinary words and paths rarely mix digits into 24 of them. */
const TOKEN_SHAPED = /[A-Za-z0-9+/=_.~-]{24,}/g;
const REDACTED = '[redacted]';

/**
 * A provider's reason made safe to print: each of `secrets` (the request's tokens and keys)
 * and every token-shaped word (24 or more characters mixing letters and digits) replaced by
 * `[redacted]`, control characters turned into spaces, one line of at most 200 characters
 * without a final period.
 *
 * @returns undefined when `text` is not a string or nothing is left of it
 */
export function providerReason(text: unknown, secrets: readonly (string | undefined)[]): string | undefined {
  if (typeof text !== 'string') return undefined;
  let reason = text;
  // Redaction comes before truncation, so a secret cut in two is still found whole.
  for (const secret of secrets) if (secret) reason = reason.split(secret).join(REDACTED);
  reason = reason
    .replace(TOKEN_SHAPED, (word) => (/\d/.test(word) && /[A-Za-z]/.test(word) ? REDACTED : word))
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  if (reason.length > MAX_REASON_LENGTH) reason = `${reason.slice(0, MAX_REASON_LENGTH)}…`;
  return reason === '' ? undefined : reason;
}

/** What a failed connection means: the code to report and whether another attempt may help. */
export interface NetworkFailure {
  code: 'PROVIDER_UNREACHABLE' | 'PROVIDER_TIMEOUT';
  /** The system's own code, e.g. `ECONNREFUSED`: safe to print. */
  cause: string;
  what: string;
  retry: boolean;
}

const NETWORK_FAILURES: Record<string, Omit<NetworkFailure, 'cause'>> = {
  ECONNREFUSED: { code: 'PROVIDER_UNREACHABLE', what: 'the connection was refused', retry: false },
  EHOSTUNREACH: { code: 'PROVIDER_UNREACHABLE', what: 'the host is unreachable', retry: false },
  ENETUNREACH: { code: 'PROVIDER_UNREACHABLE', what: 'the network is unreachable', retry: false },
  EHOSTDOWN: { code: 'PROVIDER_UNREACHABLE', what: 'the host is down', retry: false },
  ENOTFOUND: { code: 'PROVIDER_UNREACHABLE', what: 'the host name does not resolve', retry: false },
  EAI_AGAIN: { code: 'PROVIDER_UNREACHABLE', what: 'the host name could not be resolved', retry: false },
  EAI_NONAME: { code: 'PROVIDER_UNREACHABLE', what: 'the host name does not resolve', retry: false },
  // A cut connection is the transient kind: a load balancer recycling, a proxy restarting.
  ECONNRESET: { code: 'PROVIDER_UNREACHABLE', what: 'the connection was cut', retry: true },
  EPIPE: { code: 'PROVIDER_UNREACHABLE', what: 'the connection was cut', retry: true },
  ECONNABORTED: { code: 'PROVIDER_UNREACHABLE', what: 'the connection was cut', retry: true },
  UND_ERR_SOCKET: { code: 'PROVIDER_UNREACHABLE', what: 'the connection was cut', retry: true },
  // The AWS SDK's handler reports a TLS handshake that fails (a server speaking plain http) so.
  EPROTO: { code: 'PROVIDER_UNREACHABLE', what: 'the TLS connection failed', retry: false },
  ETIMEDOUT: { code: 'PROVIDER_TIMEOUT', what: 'the connection timed out', retry: false },
  UND_ERR_CONNECT_TIMEOUT: { code: 'PROVIDER_TIMEOUT', what: 'the connection timed out', retry: false },
};

/**
 * Reads a failed connection from an error thrown by `fetch` (the system error is its
 * `cause`) or by the AWS SDK's HTTP handler (the system error itself).
 *
 * @returns undefined when the error is not a connection failure
 */
export function networkFailure(error: unknown): NetworkFailure | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') continue;
    const known = NETWORK_FAILURES[code];
    if (known !== undefined) return { ...known, cause: code };
    if (/CERT|TLS|SSL/.test(code)) return { code: 'PROVIDER_UNREACHABLE', cause: code, what: 'the TLS connection failed', retry: false };
  }
  return undefined;
}

/** The hint for a connection failure to `target` (an origin such as `https://vault.example.com:8200`). */
export function networkHint(failure: NetworkFailure, target: string, setting: string): string {
  if (failure.code === 'PROVIDER_TIMEOUT') return timeoutHint(target);
  if (failure.what.startsWith('the TLS')) return `check that ${target} presents a certificate this machine trusts (NODE_EXTRA_CA_CERTS adds a private CA)`;
  return `check ${setting} (${target}) and that this machine's network (VPN, proxy, firewall) reaches it`;
}

/** The hint for a request that got no answer in time. */
export function timeoutHint(target: string): string {
  return `check that this machine's network (VPN, proxy, firewall) reaches ${target}; DEVSECRETS_PROVIDER_TIMEOUT_MS raises the limit`;
}
