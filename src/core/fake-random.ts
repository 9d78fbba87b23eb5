/**
 * The deterministic byte stream fakes are drawn from. Each variable gets its own stream,
 * keyed by HMAC-SHA256(seed, "devsecrets/fake/v1\0" + name), so adding or removing one
 * variable never changes another's fake, and the seed cannot be recovered from a fake.
 * Blocks are HMAC-SHA256(key, 64-bit big-endian counter).
 */
import { createHmac } from 'node:crypto';

/** The smallest seed accepted: 128 bits. */
export const MIN_SEED_BYTES = 16;

/** Lowercase letters and digits: for host labels and user names, which are case-insensitive. */
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Letters and digits. */
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Lowercase hex digits. */
export const HEX = '0123456789abcdef';
/** The base64url alphabet. */
export const BASE64URL = `${ALNUM}_-`;

const STREAM_LABEL = 'devsecrets/fake/v1\0';

/**
 * Checks that a seed is long enough to key fakes and tags.
 * @throws RangeError when the seed is shorter than {@link MIN_SEED_BYTES}: seeds come from
 * the store or `--seed`, which validate them first, so a short one here is a bug.
 */
export function assertSeed(seed: Uint8Array): void {
  if (seed.length < MIN_SEED_BYTES) {
    throw new RangeError(`fake seed must be at least ${MIN_SEED_BYTES} bytes`);
  }
}

/** A reproducible source of random choices for one variable's fake. */
export class FakeRandom {
  readonly #key: Buffer;
  #counter = 0n;
  #pool: Buffer = Buffer.alloc(0);

  /** @throws RangeError when the seed is shorter than {@link MIN_SEED_BYTES}. */
  constructor(seed: Uint8Array, name: string) {
    assertSeed(seed);
    this.#key = createHmac('sha256', seed).update(STREAM_LABEL + name, 'utf8').digest();
  }

  /** The next `count` bytes of the stream. */
  bytes(count: number): Buffer {
    while (this.#pool.length < count) {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(this.#counter++);
      this.#pool = Buffer.concat([this.#pool, createHmac('sha256', this.#key).update(counter).digest()]);
    }
    const out = this.#pool.subarray(0, count);
    this.#pool = this.#pool.subarray(count);
    return Buffer.from(out);
  }

  /**
   * A uniform integer in [min, max] (inclusive), by rejection sampling so no value is
   * favoured.
   * @throws RangeError unless both bounds are safe integers with min <= max.
   */
  intBetween(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new RangeError('intBetween needs safe integer bounds with min <= max');
    }
    const span = BigInt(max) - BigInt(min) + 1n;
    if (span === 1n) return min;
    const bits = (span - 1n).toString(2).length;
    const mask = (1n << BigInt(bits)) - 1n;
    const byteCount = Math.ceil(bits / 8);
    for (;;) {
      const draw = BigInt(`0x0${this.bytes(byteCount).toString('hex')}`) & mask;
      if (draw < span) return Number(BigInt(min) + draw);
    }
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  unit(): number {
    return this.intBetween(0, 2 ** 53 - 1) / 2 ** 53;
  }

  /** One item, uniformly. The list must not be empty. */
  pick<T>(items: readonly T[]): T {
    return items[this.intBetween(0, items.length - 1)] as T;
  }

  /** `length` characters drawn uniformly from `charset`. */
  chars(charset: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += charset[this.intBetween(0, charset.length - 1)];
    return out;
  }
}
