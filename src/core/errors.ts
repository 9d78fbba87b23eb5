/**
 * The one error type devsecrets throws on purpose. It carries the exit code the CLI
 * must use, a stable code users can grep for, an optional hint, and — for validation
 * failures — every issue as data so `--json` can print them.
 *
 * Messages name variables, types and paths; they never contain a value.
 */

/** Exit codes of DESIGN.md's table. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  store: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes: the finding codes of DESIGN.md plus a few command-level ones. */
export type ErrorCode =
  | 'USAGE'
  | 'FAILURE'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_INVALID'
  | 'VALIDATION_FAILED'
  | 'INSECURE_VALUE'
  | 'FAKE_IN_PRODUCTION'
  | 'UNKNOWN_VAR'
  | 'FAKE_UNAVAILABLE'
  | 'ENV_FILE_INVALID'
  | 'STORE_MISSING'
  | 'STORE_EXISTS'
  | 'STORE_UNREADABLE'
  | 'STORE_UNAUTHENTICATED'
  | 'STORE_ROLLED_BACK'
  | 'STORE_EXPIRED'
  | 'DRIFT_MANIFEST_VERSION'
  | 'STORE_LOCKED'
  | 'IDENTITY_MISSING'
  | 'IDENTITY_MISMATCH'
  | 'FILE_PERMISSIONS'
  | 'KEYCHAIN_UNAVAILABLE'
  // A production secret store (src/adapters/providers) could not be read:
  /** No token, credentials, region or address in the environment, or the provider's SDK is not installed. */
  | 'PROVIDER_NOT_CONFIGURED'
  /** The provider refused the token or credentials (HTTP 401, AWS `UnrecognizedClientException`, …). */
  | 'PROVIDER_AUTH_FAILED'
  /** The credentials may not read this secret (HTTP 403, AWS `AccessDeniedException`). */
  | 'PROVIDER_ACCESS_DENIED'
  /** No secret at the reference (HTTP 404, AWS `ResourceNotFoundException`). */
  | 'PROVIDER_NOT_FOUND'
  /** Connection refused, unknown host, TLS failure. */
  | 'PROVIDER_UNREACHABLE'
  /** No answer within the per-request timeout. */
  | 'PROVIDER_TIMEOUT'
  /** Still throttled (429) or failing (5xx) after the retries. */
  | 'PROVIDER_UNAVAILABLE'
  /** An answer that is not what the provider's protocol promises, or a secret that is not an object of text values. */
  | 'PROVIDER_RESPONSE_INVALID'
  /** Any other refusal by the provider. */
  | 'PROVIDER_FAILED';

/** One problem with one variable (or the manifest as a whole when `var` is absent). */
export interface Issue {
  var?: string;
  message: string;
}

export interface DevsecretsErrorOptions {
  hint?: string;
  issues?: Issue[];
  path?: string;
  cause?: unknown;
}

const exitCodeOf: Record<ErrorCode, ExitCodeValue> = {
  USAGE: ExitCode.usage,
  FAILURE: ExitCode.failure,
  MANIFEST_MISSING: ExitCode.config,
  MANIFEST_INVALID: ExitCode.config,
  VALIDATION_FAILED: ExitCode.config,
  INSECURE_VALUE: ExitCode.config,
  FAKE_IN_PRODUCTION: ExitCode.config,
  UNKNOWN_VAR: ExitCode.config,
  FAKE_UNAVAILABLE: ExitCode.config,
  ENV_FILE_INVALID: ExitCode.config,
  STORE_MISSING: ExitCode.store,
  STORE_EXISTS: ExitCode.store,
  STORE_UNREADABLE: ExitCode.store,
  STORE_UNAUTHENTICATED: ExitCode.store,
  STORE_ROLLED_BACK: ExitCode.store,
  STORE_EXPIRED: ExitCode.store,
  DRIFT_MANIFEST_VERSION: ExitCode.store,
  STORE_LOCKED: ExitCode.store,
  IDENTITY_MISSING: ExitCode.store,
  IDENTITY_MISMATCH: ExitCode.store,
  FILE_PERMISSIONS: ExitCode.store,
  KEYCHAIN_UNAVAILABLE: ExitCode.store,
  // A production secret store that cannot be read is, like the local store, where the values
  // should come from and could not: exit 4 (issue 11).
  PROVIDER_NOT_CONFIGURED: ExitCode.store,
  PROVIDER_AUTH_FAILED: ExitCode.store,
  PROVIDER_ACCESS_DENIED: ExitCode.store,
  PROVIDER_NOT_FOUND: ExitCode.store,
  PROVIDER_UNREACHABLE: ExitCode.store,
  PROVIDER_TIMEOUT: ExitCode.store,
  PROVIDER_UNAVAILABLE: ExitCode.store,
  PROVIDER_RESPONSE_INVALID: ExitCode.store,
  PROVIDER_FAILED: ExitCode.store,
};

/**
 * An expected failure with a code, an exit code and an optional hint.
 * The message is lowercase, has no final period, and never contains a value.
 */
export class DevsecretsError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly issues: Issue[];
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: DevsecretsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DevsecretsError';
    this.code = code;
    this.exitCode = exitCodeOf[code];
    this.hint = options.hint;
    this.issues = options.issues ?? [];
    this.path = options.path;
  }
}

/** Formats issues as `NAME: reason` lines, the form every command prints. */
export function formatIssues(issues: readonly Issue[]): string[] {
  return issues.map((issue) => (issue.var === undefined ? issue.message : `${issue.var}: ${issue.message}`));
}
