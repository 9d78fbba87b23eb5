/**
 * Tags that let `doctor` tell a devsecrets fake from a pasted value. The tag is an HMAC
 * under the store's seed, so it can sit next to the value in the store without revealing
 * the seed, and a value someone pasted over a fake no longer matches its tag.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { assertSeed } from '../fake-random.js';

const TAG_LABEL = 'devsecrets/fake-tag/v1\0';

/**
 * The verification tag for a generated value:
 * base64url(HMAC-SHA256(seed, "devsecrets/fake-tag/v1\0" + name + "\0" + value)).
 * @throws RangeError when the seed is shorter than 16 bytes.
 */
export function fakeTag(name: string, value: string, seed: Uint8Array): string {
  assertSeed(seed);
  return createHmac('sha256', seed).update(`${TAG_LABEL}${name}\0${value}`, 'utf8').digest('base64url');
}

/**
 * True when `value` is the devsecrets fake for `name` under `seed`, i.e. `tag` is its
 * {@link fakeTag}; compared in constant time. False when there is no tag.
 * @throws RangeError when the seed is shorter than 16 bytes.
 */
export function verifyFake(name: string, value: string, seed: Uint8Array, tag: string | undefined): boolean {
  const expected = Buffer.from(fakeTag(name, value, seed));
  if (tag === undefined) return false;
  const given = Buffer.from(tag);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
