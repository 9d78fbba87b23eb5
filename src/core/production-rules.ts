/**
 * The production side's rules, on top of the manifest: what must never reach a real
 * deployment (`check --env production`, `check --from`, `loadEnv({ from })`). A devsecrets
 * fake — recognised by the visible markers every free-text fake carries — is
 * `FAKE_IN_PRODUCTION`; TLS switched off where the manifest requires it, a host that only
 * exists on a developer's machine, and a weak or default password are `INSECURE_VALUE`.
 *
 * The local side's guards (the `forbid` list, the live-credential formats) never apply
 * here: production is where live credentials and production hosts belong. Reasons name
 * what is wrong, never the value.
 */
import type { VarSpec } from './manifest-schema.js';
import { insecureUrlReason } from './insecure.js';
import { localPrefix } from './token-prefix.js';

/** What the production rules find wrong with one value. */
export interface ProductionProblem {
  code: 'FAKE_IN_PRODUCTION' | 'INSECURE_VALUE';
  reason: string;
}

/** The markers devsecrets puts in fakes (see the type modules): a label, a domain, a token or password start, a database name. */
const FAKE_LABEL = /(?:^|[.@/:])fake-[a-z0-9]+/i;
const FAKE_DOMAIN = /(?:^|[.@])example\.test$/i;
const FAKE_TEXT = 'fake-';
const FAKE_TOKEN = 'FAKE';
const FAKE_DATABASE = /_fake$/;
/**
 * Hosts that can only be a developer's own: loopback, and the names RFC 2606 and RFC 6761
 * reserve for documentation and tests, which never resolve on the internet.
 */
const LOCAL_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$|\.(?:localhost|test|example|invalid)$|^example\.(?:com|net|org)$/i;

/**
 * Why `value` must not be used in production for a variable of `spec`, or undefined when the
 * production rules accept it (its type is checked elsewhere).
 */
export function findProductionProblem(spec: VarSpec, value: string): ProductionProblem | undefined {
  if (looksLikeFake(spec, value)) {
    return { code: 'FAKE_IN_PRODUCTION', reason: 'is a devsecrets fake (it carries the markers devsecrets puts in fakes): the real value never reached this environment' };
  }
  const host = hostOf(spec, value);
  if (host !== undefined && LOCAL_HOST.test(host)) {
    return { code: 'INSECURE_VALUE', reason: 'points at a host that exists only on a developer machine (localhost or a reserved test domain)' };
  }
  const url = spec.type === 'url' ? insecureUrlReason(spec, value) : undefined;
  return url === undefined ? undefined : { code: 'INSECURE_VALUE', reason: url };
}

function looksLikeFake(spec: VarSpec, value: string): boolean {
  switch (spec.type) {
    case 'string':
      return value.startsWith(FAKE_TEXT);
    case 'email':
    case 'hostname':
      return FAKE_LABEL.test(value) || FAKE_DOMAIN.test(value);
    case 'token': {
      const prefixes = [spec.prefix ?? '', localPrefix(spec.prefix ?? '')];
      return prefixes.some((prefix) => value.startsWith(prefix) && value.slice(prefix.length).startsWith(FAKE_TOKEN));
    }
    case 'url': {
      const url = parseUrl(value);
      if (url === undefined) return false;
      return FAKE_LABEL.test(url.hostname) || FAKE_DOMAIN.test(url.hostname) || url.password.startsWith(FAKE_TOKEN) || FAKE_DATABASE.test(url.pathname);
    }
    default:
      return false;
  }
}

/** The host a value points at, for the types that name one. */
function hostOf(spec: VarSpec, value: string): string | undefined {
  switch (spec.type) {
    case 'url':
      return parseUrl(value)?.hostname;
    case 'hostname':
      return value.replace(/^\./, '');
    case 'email':
      return value.slice(value.lastIndexOf('@') + 1);
    default:
      return undefined;
  }
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
