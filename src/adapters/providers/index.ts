/**
 * Providers: production secret stores read through their own protocols, and a mock that
 * makes fakes from the manifest, all behind one call, {@link readProvider}.
 *
 * | reference | reads |
 * | --- | --- |
 * | `aws-sm://SECRET_ID` | AWS Secrets Manager: the secret (a name or an ARN) whose `SecretString` is a JSON object of variables |
 * | `vault://MOUNT/PATH` | HashiCorp Vault, KV version 2: `GET /v1/MOUNT/data/PATH`, its `data.data` object |
 * | `doppler://PROJECT/CONFIG` | Doppler: the config's secrets, downloaded as JSON |
 * | `mock://[SEED]` | no service: the manifest's fakes, the same for the same seed |
 *
 * Read-only, and values stay in memory: nothing here logs, prints or writes a value, puts
 * one in an error or on a command line. Errors name the reference, never a token (they are
 * redacted even when a provider echoes one back). Every provider's code is loaded only when
 * a reference of its scheme is read, so parsing a reference, or `devsecrets run`, loads none.
 */
import { DevsecretsError } from '../../core/errors.js';
import type { Manifest } from '../../core/manifest-model.js';

/** The schemes of {@link ProviderRef}. */
export type ProviderScheme = 'aws-sm' | 'vault' | 'doppler' | 'mock';

/** A parsed provider reference; `text` is the reference as written, safe to print (it holds no token). */
export type ProviderRef =
  | { scheme: 'aws-sm'; text: string; secretId: string }
  | { scheme: 'vault'; text: string; mount: string; path: string }
  | { scheme: 'doppler'; text: string; project: string; config: string }
  | { scheme: 'mock'; text: string; seed: string };

/** What a read needs besides the reference. */
export interface ProviderContext {
  /** The manifest: the mock makes its fakes from it; the services do not need it. */
  manifest?: Pick<Manifest, 'vars'>;
  /**
   * Where credentials and settings come from (`VAULT_TOKEN`, `DOPPLER_TOKEN`, `AWS_PROFILE`,
   * `DEVSECRETS_PROVIDER_TIMEOUT_MS`, …); usually `process.env`. The AWS SDK's chain reads
   * its files (`~/.aws`) and anything `env` leaves unset from the process's environment.
   */
  env: NodeJS.ProcessEnv;
  /** Aborting it ends the read, retries and waits included, with the signal's reason. */
  signal?: AbortSignal;
}

/** What a read returns: the reference to print, and the variables, in memory only. */
export interface ProviderValues {
  /** The reference as read, safe to print. */
  ref: string;
  /** Every variable the provider holds there, by name; the mock gives the manifest's. */
  values: Record<string, string>;
}

/** What every provider module exports: one read of one reference of its scheme. */
export interface ProviderAdapter<Ref extends ProviderRef = ProviderRef> {
  /**
   * @throws DevsecretsError a `PROVIDER_*` code (exit 4) when the provider cannot be read;
   * see {@link readProvider}
   */
  readValues(ref: Ref, context: ProviderContext): Promise<Record<string, string>>;
}

type AdapterLoaders = { [Scheme in ProviderScheme]: () => Promise<ProviderAdapter<Extract<ProviderRef, { scheme: Scheme }>>> };

const ADAPTERS: AdapterLoaders = {
  'aws-sm': () => import('./aws-sm.js'),
  vault: () => import('./vault.js'),
  doppler: () => import('./doppler.js'),
  mock: () => import('./mock.js'),
};

const FORMS = 'aws-sm://SECRET_ID, vault://MOUNT/PATH, doppler://PROJECT/CONFIG or mock://SEED';
const SCHEME_PREFIX = /^([a-z][a-z0-9+.-]*):\/\//;
/** Secrets Manager's own rule for names: 1 to 512 of these characters. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A secret's ARN in any partition (`aws`, `aws-cn`, `aws-us-gov`, …); the name part may hold `/`. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A Vault path segment: anything printable but `/`, and nothing a URL would read as a query, fragment or escape. */
const VAULT_SEGMENT = /^[^\s/?#%\\\p{Cc}]+$/u;
const DOPPLER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MOCK_SEED = /^[A-Za-z0-9._~-]{0,256}$/;

/**
 * Whether `text` is written as a provider reference (`scheme://…`), known scheme or not: a
 * command that takes a file or a reference (`init --from`) tells them apart with this, so
 * that a misspelt scheme is reported by {@link parseProviderRef} rather than as a missing file.
 */
export function isProviderRef(text: string): boolean {
  return SCHEME_PREFIX.test(text);
}

/**
 * Parses and checks a provider reference, without loading any provider.
 *
 * - `aws-sm://SECRET_ID`: a secret name (letters, digits, `/_+=.@-`, up to 512) or a
 *   secret's full ARN (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`).
 * - `vault://MOUNT/PATH`: the first segment is the KV v2 mount, the rest the secret's path;
 *   no empty, `.` or `..` segment, and no `?`, `#`, `%`, `\` or white space.
 * - `doppler://PROJECT/CONFIG`: exactly two names.
 * - `mock://SEED` or `mock://`: any seed of letters, digits and `._~-`, up to 256.
 *
 * @throws DevsecretsError `USAGE` (exit 2) for text that is not a reference, an unknown
 * scheme or a malformed reference; the message names the scheme, never the rest (it may be
 * anything that was pasted in its place)
 */
export function parseProviderRef(text: string): ProviderRef {
  const scheme = SCHEME_PREFIX.exec(text)?.[1];
  if (scheme === undefined) throw usage(`not a provider reference: expected ${FORMS}`);
  const rest = text.slice(scheme.length + 3);
  switch (scheme) {
    case 'aws-sm':
      if (SECRET_NAME.test(rest) || SECRET_ARN.test(rest)) return { scheme, text, secretId: rest };
      throw usage('aws-sm reference is malformed: expected aws-sm://NAME (letters, digits and /_+=.@-, up to 512) or aws-sm://arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME');
    case 'vault': {
      const segments = rest.split('/');
      if (segments.length >= 2 && segments.every((segment) => VAULT_SEGMENT.test(segment) && segment !== '.' && segment !== '..')) {
        return { scheme, text, mount: segments[0]!, path: segments.slice(1).join('/') };
      }
      throw usage('vault reference is malformed: expected vault://MOUNT/PATH, e.g. vault://secret/myapp/production');
    }
    case 'doppler': {
      const [project, config, extra] = rest.split('/');
      if (project !== undefined && config !== undefined && extra === undefined && DOPPLER_NAME.test(project) && DOPPLER_NAME.test(config)) {
        return { scheme, text, project, config };
      }
      throw usage('doppler reference is malformed: expected doppler://PROJECT/CONFIG, e.g. doppler://backend/prd');
    }
    case 'mock':
      if (MOCK_SEED.test(rest)) return { scheme, text, seed: rest };
      throw usage('mock reference is malformed: expected mock://SEED, a seed of letters, digits and ._~- (up to 256)');
    default:
      throw usage(`unknown provider "${scheme}": expected ${FORMS}`);
  }
}

/**
 * Reads every variable a provider holds at `ref`, loading only that provider's code.
 *
 * Network reads make at most 3 attempts: throttling (HTTP 429, AWS `ThrottlingException`),
 * server failures (5xx) and a cut connection are retried after an exponential backoff with
 * jitter or the provider's `Retry-After` (up to 10 s; a longer one ends the read). Each
 * request is bounded by a timeout, 10 s unless `DEVSECRETS_PROVIDER_TIMEOUT_MS` in
 * `context.env` says otherwise, and a timeout is not retried.
 *
 * @param ref a reference as text, or one {@link parseProviderRef} returned
 * @returns the reference as read and its variables; nothing of them is written or logged
 * @throws DevsecretsError `USAGE` (exit 2) for a malformed reference or timeout setting
 * @throws DevsecretsError exit 4, with the provider's own reason where it gave one and a
 * hint: `PROVIDER_NOT_CONFIGURED` (no token, credentials, region or address; the AWS SDK
 * not installed), `PROVIDER_AUTH_FAILED` (a token or credentials refused), `PROVIDER_ACCESS_DENIED`,
 * `PROVIDER_NOT_FOUND`, `PROVIDER_UNREACHABLE` (refused, no such host, TLS), `PROVIDER_TIMEOUT`,
 * `PROVIDER_UNAVAILABLE` (still throttled or failing after the retries),
 * `PROVIDER_RESPONSE_INVALID` (not the JSON expected, a binary secret, values that are
 * not text), `PROVIDER_FAILED` (any other refusal)
 * @throws DevsecretsError `MANIFEST_MISSING` (exit 3) for `mock://` without a manifest, and
 * `FAKE_UNAVAILABLE` (exit 3) when the manifest admits no fake for a variable
 * @throws the reason of `context.signal` when it aborts
 */
export async function readProvider(ref: string | ProviderRef, context: ProviderContext): Promise<ProviderValues> {
  const parsed = typeof ref === 'string' ? parseProviderRef(ref) : ref;
  const adapter = (await ADAPTERS[parsed.scheme]()) as ProviderAdapter;
  return { ref: parsed.text, values: await adapter.readValues(parsed, context) };
}

function usage(message: string): DevsecretsError {
  return new DevsecretsError('USAGE', message, { hint: `a provider reference is one of ${FORMS}` });
}
