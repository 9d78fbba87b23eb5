/**
 * Recognising values that must never be used locally: live production credentials,
 * weak database passwords, TLS switched off, and the manifest's own `forbid` rules.
 * Reasons name the kind of credential, never the value.
 */
import type { VarSpec } from './manifest-schema.js';
import { compileSafeRegex, type RegexFlags, type SafeRegex } from './safe-regex.js';

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

/**
 * Why a url value is unsafe on either side: `sslmode=disable` where the manifest requires
 * another mode, or a weak password (short, a common default, or the user name).
 */
export function insecureUrlReason(spec: Extract<VarSpec, { type: 'url' }>, value: string): string | undefined {
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

const REGEX_RULE = /^\/(.+)\/([a-z]*)$/s;
/** `g` and `y` are about where a search resumes, and `u` is how RE2 always reads: none changes a test. */
const IGNORED_FLAGS = 'guy';

type RegexRule = { body: string; flags: RegexFlags } | string;

/** The regex of a `/…/flags` entry, why its flags are refused, or undefined for a glob entry. */
function regexRuleOf(source: string): RegexRule | undefined {
  const match = REGEX_RULE.exec(source);
  if (match === null) return undefined;
  const body = match[1]!;
  const flags = match[2]!;
  const refused = [...flags].find((flag, index) => !`ims${IGNORED_FLAGS}`.includes(flag) || flags.indexOf(flag) !== index);
  if (refused !== undefined) return `has an unsupported or repeated flag ${refused} (the flags that matter are i, m and s)`;
  return { body, flags: { ignoreCase: flags.includes('i'), multiline: flags.includes('m'), dotAll: flags.includes('s') } };
}

/** The compiled regex of a `/…/flags` entry, or why it is refused (its flags or its syntax). */
function compileRegexRule(rule: RegexRule): SafeRegex | string {
  return typeof rule === 'string' ? rule : compileSafeRegex(rule.body, rule.flags);
}

/**
 * Why `source` cannot be a `forbid` entry, or undefined when it can. A `/…/flags` entry is
 * compiled to find out, which loads the regex engine.
 */
export function forbidRuleProblem(source: string): string | undefined {
  const regex = regexRuleOf(source);
  if (regex === undefined) return source.trim() === '' ? 'an empty pattern would match every value' : undefined;
  const compiled = compileRegexRule(regex);
  return typeof compiled === 'string' ? `"${source}" ${compiled}` : undefined;
}

/**
 * The rule of a `forbid` entry that {@link forbidRuleProblem} accepts. `/…/flags` is an RE2
 * regex (see safe-regex.ts) searched for in the value; anything else is a glob (`*` = any run
 * of characters, case-insensitive) matched against the whole value and against the hostname
 * when the value is a URL. Both take time linear in the value (for a glob, times its
 * length). A regex is compiled on its first test, so a `run` whose stamped store needs no
 * checks never loads the regex engine.
 * @throws Error on the first test of a regex entry that forbidRuleProblem refuses.
 */
export function compileForbidRule(source: string): ForbidRule {
  const regex = regexRuleOf(source);
  if (regex === undefined) {
    const glob = source.toLowerCase();
    return { source, test: (value) => matchesGlob(glob, value.toLowerCase()) || matchesGlob(glob, hostnameOf(value) ?? '') };
  }
  let compiled: SafeRegex | undefined;
  return {
    source,
    test(value) {
      if (compiled === undefined) {
        const result = compileRegexRule(regex);
        if (typeof result === 'string') throw new Error(`forbid rule ${source} ${result}`);
        compiled = result;
      }
      return compiled.test(value);
    },
  };
}

/**
 * Whether `text` matches the glob as a whole, `*` standing for any run of characters. A
 * regex (`^…\.*…$`) would backtrack on `*a*a*a*a*a*a*a*a*b` for minutes; this walk goes
 * back only to the last `*`, so it takes at most text × glob steps.
 */
function matchesGlob(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (glob[g] === '*') {
      star = g++;
      resume = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value).hostname || undefined;
  } catch {
    return undefined;
  }
}
