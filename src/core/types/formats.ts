/**
 * Fixed formats without options: `hostname`, `email`, `uuid`. Fakes live under
 * `example.test`, a name reserved by RFC 2606 that can never resolve to a real host.
 */
import { LOWER_ALNUM, type FakeRandom } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { rule, type TypeDef } from './type-def.js';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const MAX_HOSTNAME_LENGTH = 253;
const LOCAL_PART_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_EMAIL_LENGTH = 254;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
function isHostname(text: string): boolean {
  return text.length <= MAX_HOSTNAME_LENGTH && HOSTNAME_RE.test(text);
}

/**
 * One plain address, `local@domain.tld`: a dot-atom local part and a host name with at
 * least one dot, so `dev@localhost` and display-name forms are refused.
 */
function isEmail(text: string): boolean {
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return (
    at > 0 &&
    text.length <= MAX_EMAIL_LENGTH &&
    local.length <= MAX_LOCAL_PART_LENGTH &&
    LOCAL_PART_RE.test(local) &&
    domain.includes('.') &&
    isHostname(domain)
  );
}

function fakeLabel(random: FakeRandom): string {
  return `fake-${random.chars(LOWER_ALNUM, 8)}`;
}

/**
 * Host names; with `leadingDot` also one led by a dot (a cookie domain). Fakes are
 * `fake-<random>.example.test`, led by a dot with `leadingDot`.
 */
export const hostnameType: TypeDef<SpecOf<'hostname'>> = {
  checkOptions: () => [],
  valueChecks: (spec) =>
    spec.leadingDot === true
      ? [rule((value) => isHostname(value.startsWith('.') ? value.slice(1) : value), 'must be a valid hostname, optionally led by a dot')]
      : [rule(isHostname, 'must be a valid hostname')],
  fake: (spec, random) => `${spec.leadingDot === true ? '.' : ''}${fakeLabel(random)}.example.test`,
};

/** Email addresses; fakes are `fake-<random>@example.test`. */
export const emailType: TypeDef<SpecOf<'email'>> = {
  checkOptions: () => [],
  valueChecks: () => [rule(isEmail, 'must be an email address')],
  fake: (_spec, random) => `${fakeLabel(random)}@example.test`,
};

/** Any 8-4-4-4-12 hex uuid, either case; fakes are lowercase random (version 4) uuids. */
export const uuidType: TypeDef<SpecOf<'uuid'>> = {
  checkOptions: () => [],
  valueChecks: () => [rule((value) => UUID_RE.test(value), 'must be a uuid')],
  fake(_spec, random) {
    const bytes = random.bytes(16);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
  },
};
