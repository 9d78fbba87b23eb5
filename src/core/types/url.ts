/**
 * `url`: anything the WHATWG `URL` parser accepts, narrowed by the manifest to some
 * schemes (`protocols`), required query values (`params`, e.g. `sslmode=require`) and
 * host patterns (`host`, e.g. `*.example.com`).
 */
import { ALNUM, LOWER_ALNUM, type FakeRandom } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { rule, type TypeDef } from './type-def.js';

type Spec = SpecOf<'url'>;

const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;
const HOST_PATTERN_RE = /^[A-Za-z0-9.*-]+$/;
const LABEL_CHAR_RE = /^[a-z0-9-]$/;

/**
 * Schemes whose URLs carry credentials: fakes get a user, a long marked password, the
 * service's standard port on localhost, and a database path.
 */
const SERVICE_SCHEMES: Record<string, { port: number; path: string }> = {
  postgresql: { port: 5432, path: '/app_fake' },
  postgres: { port: 5432, path: '/app_fake' },
  mysql: { port: 3306, path: '/app_fake' },
  mariadb: { port: 3306, path: '/app_fake' },
  mongodb: { port: 27017, path: '/app_fake' },
  redis: { port: 6379, path: '/0' },
  rediss: { port: 6379, path: '/0' },
  amqp: { port: 5672, path: '/app_fake' },
  amqps: { port: 5671, path: '/app_fake' },
};
const PASSWORD_MARKER = 'FAKE';
/** Random characters in a fake password: far above any weak-password threshold. */
const PASSWORD_RANDOM_LENGTH = 24;

function parseUrl(text: string): URL | undefined {
  // The parser silently strips surrounding spaces and inner tabs/newlines; a value holding them is a mistake.
  return /\s/.test(text) ? undefined : (URL.parse(text) ?? undefined);
}

/**
 * Whether `host` (lowercase) matches a host pattern as a whole: letters, digits, `.` and `-`
 * stand for themselves and each `*` for one or more labels' worth of host characters
 * (`[a-z0-9-]+(\.[a-z0-9-]+)*`). The regex spelling of that backtracks for minutes on a
 * pattern of a dozen `*`, so every way of matching is followed at once instead, as a set of
 * positions in the pattern: at most host × pattern steps.
 */
function matchesHostPattern(pattern: string, host: string): boolean {
  const tokens = pattern.toLowerCase();
  // before[i]: tokens[i..] may match the rest; inLabel[i]: the `*` at i has just taken a label character.
  let before = Array.from({ length: tokens.length + 1 }, (_, index) => index === 0);
  let inLabel = before.map(() => false);
  for (const char of host) {
    const nextBefore = before.map(() => false);
    const nextInLabel = before.map(() => false);
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] !== '*') {
        if (before[i] && tokens[i] === char) nextBefore[i + 1] = true;
      } else if (LABEL_CHAR_RE.test(char)) {
        if (before[i] || inLabel[i]) nextInLabel[i] = true;
      } else if (inLabel[i] && char === '.') {
        nextBefore[i] = true; // the `*` goes on, with another label
      }
    }
    // A `*` that has just taken a label character may end there.
    for (let i = 0; i < tokens.length; i++) if (nextInLabel[i]) nextBefore[i + 1] = true;
    before = nextBefore;
    inLabel = nextInLabel;
  }
  return before[tokens.length] === true;
}

/** "a postgresql or postgres", "an amqp". */
function oneOf(words: readonly string[]): string {
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
  return `${/^[aeiou]/.test(list) ? 'an' : 'a'} ${list}`;
}

/** One test an url must pass, and the reason it fails with. */
type UrlRule = [test: (url: string) => boolean, reason: string];

function protocolRule(protocols: readonly string[]): UrlRule {
  return [(value) => {
    const scheme = parseUrl(value)?.protocol.slice(0, -1);
    return scheme !== undefined && protocols.includes(scheme);
  }, `must be ${oneOf(protocols)} url`];
}

function hostRule(patterns: readonly string[]): UrlRule {
  const allowed = patterns.length === 1 ? patterns[0] : `one of: ${patterns.join(', ')}`;
  return [(value) => {
    const hostname = parseUrl(value)?.hostname.toLowerCase() ?? '';
    return patterns.some((pattern) => matchesHostPattern(pattern, hostname));
  }, `must have a host matching ${allowed}`];
}

function urlRules(spec: Spec): UrlRule[] {
  return [
    [(value) => parseUrl(value) !== undefined, 'must be a valid url'],
    ...(spec.protocols === undefined ? [] : [protocolRule(spec.protocols)]),
    ...Object.entries(spec.params ?? {}).map(([key, expected]): UrlRule => [
      (value) => parseUrl(value)?.searchParams.get(key) === expected,
      `must use ${key}=${expected}`,
    ]),
    ...(spec.host === undefined ? [] : [hostRule(spec.host)]),
  ];
}

/** The urls of a `list` value: comma-separated, no spaces; the empty text is the empty list. */
function listItems(value: string): string[] {
  return value === '' ? [] : value.split(',');
}

/** A host matching the first `host` pattern, each `*` made a fake label; undefined without patterns. */
function fakeHost(spec: Spec, random: FakeRandom): string | undefined {
  return spec.host?.[0]?.toLowerCase().replaceAll('*', () => `fake-${random.chars(LOWER_ALNUM, 6)}`);
}

/** One url: the first protocol (https by default) on a reserved or local host, with the required params and a host matching the first pattern. */
function fakeUrl(spec: Spec, random: FakeRandom): string {
  const scheme = spec.protocols?.[0] ?? 'https';
  const service = SERVICE_SCHEMES[scheme];
  const host = fakeHost(spec, random);
  let base: string;
  if (service === undefined) {
    base = `${scheme}://${host ?? `fake-${random.chars(LOWER_ALNUM, 8)}.example.test`}/`;
  } else {
    const user = `dev_${random.chars(LOWER_ALNUM, 6)}`;
    const password = PASSWORD_MARKER + random.chars(ALNUM, PASSWORD_RANDOM_LENGTH);
    base = `${scheme}://${user}:${password}@${host ?? 'localhost'}:${service.port}${service.path}`;
  }
  const query = new URLSearchParams(Object.entries(spec.params ?? {})).toString();
  return query === '' ? base : `${base}?${query}`;
}

/**
 * URLs, or with `list` a comma-separated list of them (the empty text being the empty
 * list), each meeting every option; fakes are one url, or a list of two.
 */
export const urlType: TypeDef<Spec> = {
  checkOptions(spec) {
    const problems: string[] = [];
    if (spec.protocols?.some((protocol) => !SCHEME_RE.test(protocol))) {
      problems.push('protocols must be lowercase scheme names without ://, like https');
    }
    if (spec.host?.some((pattern) => !HOST_PATTERN_RE.test(pattern))) {
      problems.push("host patterns may contain only letters, digits, '.', '-' and '*'");
    }
    if (Object.keys(spec.params ?? {}).includes('')) problems.push('params must not have an empty name');
    return problems;
  },
  valueChecks: (spec) =>
    spec.list === true
      ? urlRules(spec).map(([test, reason]) => rule((value) => listItems(value).every(test), `each url of the list ${reason}`))
      : urlRules(spec).map(([test, reason]) => rule(test, reason)),
  fake: (spec, random) => (spec.list === true ? [fakeUrl(spec, random), fakeUrl(spec, random)].join(',') : fakeUrl(spec, random)),
};
