/**
 * Recognising values that must never be used locally: live production credentials,
 * weak database passwords, TLS switched off, and the manifest's own `forbid` rules.
 * Reasons name the kind of credential, never the value.
 */
import type { VarSpec } from './manifest-schema.js';

/** One `forbid` entry: a hostname glob (`*.prod.example.com`) or a `/regex/flags`. */
export interface ForbidRule {
  source: string;
  test(value: string): boolean;
}

interface LivePattern {
  pattern: RegExp;
  label: string;
}

const LIVE_PATTERNS: readonly LivePattern[] = [
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, label: 'an AWS access key id' },
  { pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{8,}/, label: 'a live Stripe key' },
  { pattern: /\bghp_[A-Za-z0-9]{36}\b/, label: 'a GitHub personal access token' },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/, label: 'a GitHub fine-grained token' },
  { pattern: /\bgh[ousr]_[A-Za-z0-9]{36}\b/, label: 'a GitHub token' },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, label: 'a Slack token' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, label: 'a Google API key' },
  // An age X25519 identity: bech32, the HRP and separator, then 52 data and 6 checksum characters.
  { pattern: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/, label: 'an age secret key' },
];

/** A PEM private-key header line, of any key type. */
export const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/;

const WEAK_PASSWORDS = new Set([
  'password', 'passw0rd', 'postgres', 'root', 'admin', 'secret', 'changeme', 'letmein',
  'test', 'qwerty', 'mysql', 'redis', 'guest', 'default', 'pass', 'example',
]);
const MIN_URL_PASSWORD = 8;

/**
 * Names the live-credential format `text` contains, if any. Used by `run`, `check` and
 * the leak scanners alike.
 */
export function findLiveCredential(text: string): string | undefined {
  return LIVE_PATTERNS.find(({ pattern }) => pattern.test(text))?.label;
}

/**
 * Why `value` must not be used for a variable of `spec`, or undefined when it is acceptable.
 * The reason is lowercase and never contains the value.
 */
export function findInsecureReason(spec: VarSpec, value: string, forbid: readonly ForbidRule[]): string | undefined {
  const live = findLiveCredential(value);
  if (live !== undefined) return `looks like ${live}: real production credentials do not belong on a developer machine`;
  if (spec.type !== 'private-key' && PRIVATE_KEY_PEM.test(value)) return 'holds a private key but is not a private-key variable';
  if (spec.type === 'url') {
    const reason = insecureUrlReason(spec, value);
    if (reason !== undefined) return reason;
  }
  const rule = forbid.find((candidate) => candidate.test(value));
  if (rule !== undefined) return `matches the manifest's forbid rule ${rule.source}`;
  return undefined;
}

function insecureUrlReason(spec: Extract<VarSpec, { type: 'url' }>, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const required = spec.params?.sslmode;
  if (url.searchParams.get('sslmode') === 'disable' && required !== undefined && required !== 'disable') {
    return `uses sslmode=disable where the manifest requires sslmode=${required}`;
  }
  if (url.password !== '') {
    const password = decodeURIComponent(url.password);
    const user = decodeURIComponent(url.username);
    if (password.length < MIN_URL_PASSWORD || WEAK_PASSWORDS.has(password.toLowerCase()) || password === user) {
      return 'has a weak password in the url';
    }
  }
  return undefined;
}

/**
 * Compiles one `forbid` entry. `/…/flags` is a regular expression tested against the
 * value; anything else is a glob (`*` = any run of characters) matched against the whole
 * value and against the hostname when the value is a URL.
 * @returns the rule, or a reason string when the entry is not a valid pattern.
 */
export function compileForbidRule(source: string): ForbidRule | string {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(source);
  if (regex) {
    try {
      const compiled = new RegExp(regex[1]!, regex[2]!.replace(/[gy]/g, ''));
      return { source, test: (value) => compiled.test(value) };
    } catch {
      return `"${source}" is not a valid regular expression`;
    }
  }
  if (source.trim() === '') return 'an empty pattern would match every value';
  const glob = new RegExp(`^${source.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  return {
    source,
    test: (value) => glob.test(value) || glob.test(hostnameOf(value) ?? ''),
  };
}

function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value).hostname || undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
