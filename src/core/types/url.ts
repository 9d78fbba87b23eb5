/**
 * `url`: anything the WHATWG `URL` parser accepts, narrowed by the manifest to some
 * schemes (`protocols`), required query values (`params`, e.g. `sslmode=require`) and
 * host patterns (`host`, e.g. `*.example.com`).
 */
import { ALNUM, LOWER_ALNUM, type FakeRandom } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { oneOf, rule, type TypeDef } from './type-def.js';

type Spec = SpecOf<'url'>;

const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;
const HOST_PATTERN_RE = /^[A-Za-z0-9.*-]+$/;
/** What one `*` in a host pattern stands for: one or more labels' worth of host characters. */
const WILDCARD = '[a-z0-9-]+(?:\\.[a-z0-9-]+)*';

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

function hostPatternRe(pattern: string): RegExp {
  const parts = pattern.toLowerCase().split('*').map((part) => part.replace(/[.-]/g, '\\$&'));
  return new RegExp(`^${parts.join(WILDCARD)}$`);
}

/** A host matching the first `host` pattern, each `*` made a fake label; undefined without patterns. */
function fakeHost(spec: Spec, random: FakeRandom): string | undefined {
  return spec.host?.[0]?.toLowerCase().replaceAll('*', () => `fake-${random.chars(LOWER_ALNUM, 6)}`);
}

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
  valueChecks(spec) {
    const { protocols, host } = spec;
    const hostRes = host?.map(hostPatternRe);
    return [
      rule((value) => parseUrl(value) !== undefined, 'must be a valid url'),
      ...(protocols === undefined
        ? []
        : [rule((value) => protocols.includes(parseUrl(value)?.protocol.slice(0, -1) ?? ''), `must be ${oneOf(protocols)} url`)]),
      ...Object.entries(spec.params ?? {}).map(([key, expected]) =>
        rule((value) => parseUrl(value)?.searchParams.get(key) === expected, `must use ${key}=${expected}`),
      ),
      ...(host === undefined || hostRes === undefined
        ? []
        : [
            rule(
              (value) => hostRes.some((re) => re.test(parseUrl(value)?.hostname.toLowerCase() ?? '')),
              `must have a host matching ${host.length === 1 ? host[0] : `one of: ${host.join(', ')}`}`,
            ),
          ]),
    ];
  },
  fake(spec, random) {
    const scheme = spec.protocols?.[0] ?? 'https';
    const service = SERVICE_SCHEMES[scheme];
    const host = fakeHost(spec, random);
    const base =
      service === undefined
        ? `${scheme}://${host ?? `fake-${random.chars(LOWER_ALNUM, 8)}.example.test`}/`
        : `${scheme}://dev_${random.chars(LOWER_ALNUM, 6)}:${PASSWORD_MARKER}${random.chars(ALNUM, PASSWORD_RANDOM_LENGTH)}` +
          `@${host ?? 'localhost'}:${service.port}${service.path}`;
    const query = new URLSearchParams(Object.entries(spec.params ?? {})).toString();
    return query === '' ? base : `${base}?${query}`;
  },
};
