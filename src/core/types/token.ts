/**
 * `token`: an API key such as `sk_test_…`: a literal prefix, then characters from one
 * charset; `length` counts the whole token, prefix included.
 */
import { ALNUM, BASE64URL, HEX } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { rule, type TypeDef } from './type-def.js';

type Charset = NonNullable<SpecOf<'token'>['charset']>;

/**
 * The visible marker fakes carry right after the prefix. Hex tokens cannot spell FAKE, so
 * they use `fa4e`, which still reads as "fake".
 */
const CHARSETS: Record<Charset, { chars: string; re: RegExp; description: string; marker: string }> = {
  alnum: { chars: ALNUM, re: /^[A-Za-z0-9]*$/, description: 'letters and digits', marker: 'FAKE' },
  hex: { chars: HEX, re: /^[0-9a-f]*$/, description: 'lowercase hex digits', marker: 'fa4e' },
  base64url: { chars: BASE64URL, re: /^[A-Za-z0-9_-]*$/, description: "letters, digits, '_' and '-'", marker: 'FAKE' },
};

/** Random characters after the prefix when the manifest gives no `length`. */
const DEFAULT_RANDOM_LENGTH = 32;
/** The marker is left out unless this many random characters still follow it, so fakes stay unguessable. */
const MIN_RANDOM_AFTER_MARKER = 8;

/** Tokens; fakes are prefix + marker + random charset characters, `length` long (prefix + 32 by default). */
export const tokenType: TypeDef<SpecOf<'token'>> = {
  checkOptions(spec) {
    const prefix = spec.prefix ?? '';
    return spec.length !== undefined && spec.length <= prefix.length
      ? ['length must be greater than the length of prefix (length counts the prefix)']
      : [];
  },
  valueChecks(spec) {
    const prefix = spec.prefix ?? '';
    const charset = CHARSETS[spec.charset ?? 'alnum'];
    const afterPrefix = prefix === '' ? '' : ' after the prefix';
    const { length } = spec;
    return [
      ...(prefix === '' ? [] : [rule((value) => value.startsWith(prefix), `must start with ${prefix}`)]),
      rule((value) => value.length > prefix.length, prefix === '' ? 'must not be empty' : 'must not end at the prefix'),
      rule(
        (value) => charset.re.test(value.slice(prefix.length)),
        `must contain only ${charset.description}${afterPrefix}`,
      ),
      ...(length === undefined ? [] : [rule((value) => value.length === length, `must be ${length} characters long`)]),
    ];
  },
  fake(spec, random) {
    const prefix = spec.prefix ?? '';
    const charset = CHARSETS[spec.charset ?? 'alnum'];
    const room = spec.length === undefined ? DEFAULT_RANDOM_LENGTH : spec.length - prefix.length;
    const marker = room - charset.marker.length >= MIN_RANDOM_AFTER_MARKER ? charset.marker : '';
    return prefix + marker + random.chars(charset.chars, room - marker.length);
  },
};
