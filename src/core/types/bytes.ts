/**
 * `bytes`: a binary key in text form. Decoding is strict — one canonical spelling per key —
 * because lenient decoders (Node's included) silently skip bad characters and would let a
 * truncated or mistyped key pass with the wrong bytes.
 */
import type { SpecOf } from '../manifest-schema.js';
import { rule, type TypeDef } from './type-def.js';

type Encoding = NonNullable<SpecOf<'bytes'>['encoding']>;

/**
 * Re-encoding what Node decoded reproduces the text only if it was canonical: no stray
 * characters, the right padding, zero spare bits.
 */
function roundTrips(text: string, encoding: 'base64' | 'base64url'): boolean {
  return Buffer.from(text, encoding).toString(encoding) === text;
}

const ENCODINGS: Record<Encoding, { valid: (text: string) => boolean; reason: string }> = {
  base64: { valid: (text) => roundTrips(text, 'base64'), reason: 'must be canonical base64 with padding' },
  base64url: { valid: (text) => roundTrips(text, 'base64url'), reason: 'must be canonical base64url without padding' },
  hex: {
    valid: (text) => /^(?:[0-9a-f]{2})*$/.test(text) || /^(?:[0-9A-F]{2})*$/.test(text),
    reason: 'must be hex with an even number of digits, all lowercase or all uppercase',
  },
};

/** Random bytes in a fake when the manifest gives no `length`: 256 bits, enough for any symmetric key. */
const DEFAULT_LENGTH = 32;

/** Strictly decoded `encoding` (default base64) of exactly `length` bytes; fakes are random bytes (32 by default). */
export const bytesType: TypeDef<SpecOf<'bytes'>> = {
  checkOptions: () => [],
  valueChecks(spec) {
    const encoding = spec.encoding ?? 'base64';
    const { length } = spec;
    return [
      rule((value) => value !== '', 'must not be empty'),
      rule(ENCODINGS[encoding].valid, ENCODINGS[encoding].reason),
      ...(length === undefined
        ? []
        : [rule((value) => Buffer.from(value, encoding).length === length, `must decode to ${length} bytes`)]),
    ];
  },
  fake: (spec, random) => random.bytes(spec.length ?? DEFAULT_LENGTH).toString(spec.encoding ?? 'base64'),
};
