// The WebAssembly primitives against the specifications' test vectors and against
// node:crypto (OpenSSL) on random inputs.
import { createCipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes, hkdfSha256, hmacSha256, openChaChaPoly, sha256, sha256Hex, x25519, X25519_BASE } from '../../src/core/primitives.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

const publicKeyOf = (raw: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
const rawOf = (key: KeyObject, part: 'd' | 'x'): Buffer => Buffer.from(key.export({ format: 'jwk' })[part]!, 'base64url');

describe('SHA-256 (FIPS 180-4)', () => {
  it('matches the standard vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto on random inputs, across every padding boundary', () => {
    fc.assert(fc.property(bytes(300), (data) => hex(sha256(data)) === createHash('sha256').update(data).digest('hex')), { numRuns: 500 });
    for (let length = 50; length <= 130; length += 1) {
      const data = Buffer.alloc(length, length);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('hashes strings as UTF-8', () => {
    expect(sha256Hex('größe ✓')).toBe(createHash('sha256').update('größe ✓', 'utf8').digest('hex'));
  });
});

describe('HMAC-SHA256 (RFC 4231) and HKDF-SHA256 (RFC 5869)', () => {
  it('matches RFC 4231 test cases 1, 2 and 6 (a key longer than a block)', () => {
    expect(hex(hmacSha256(Buffer.alloc(20, 0x0b), 'Hi There'))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hex(hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(hex(hmacSha256(Buffer.alloc(131, 0xaa), 'Test Using Larger Than Block-Size Key - Hash Key First'))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('matches RFC 5869 test cases 1 and 3 (42 bytes: two blocks; empty salt and info)', () => {
    const ikm = Buffer.alloc(22, 0x0b);
    expect(hex(hkdfSha256(ikm, fromHex('000102030405060708090a0b0c'), fromHex('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    expect(hex(hkdfSha256(ikm, '', '', 42))).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });

  it('agree with node:crypto on random keys, messages and lengths', () => {
    fc.assert(fc.property(bytes(200), bytes(300), (key, message) => hex(hmacSha256(key, message)) === createHmac('sha256', key).update(message).digest('hex')), { numRuns: 300 });
    fc.assert(
      fc.property(bytes(80), bytes(64), bytes(64), fc.integer({ min: 1, max: 200 }), (ikm, salt, info, length) =>
        hex(hkdfSha256(ikm, salt, info, length)) === Buffer.from(hkdfSync('sha256', ikm, salt, info, length)).toString('hex'),
      ),
      { numRuns: 300 },
    );
  });

  it('refuse an HKDF length RFC 5869 does not allow', () => {
    expect(() => hkdfSha256('k', '', '', 0)).toThrow(RangeError);
    expect(() => hkdfSha256('k', '', '', 255 * 32 + 1)).toThrow(RangeError);
  });
});

describe('ChaCha20-Poly1305 opening (RFC 8439)', () => {
  it('opens what node:crypto sealed, of any length', () => {
    fc.assert(
      fc.property(key32, fc.uint8Array({ minLength: 12, maxLength: 12 }), bytes(400), (key, nonce, plaintext) => {
        const opened = openChaChaPoly(key, nonce, seal(key, nonce, plaintext));
        return opened !== undefined && hex(opened) === hex(plaintext);
      }),
      { numRuns: 400 },
    );
    const key = Buffer.alloc(32, 7);
    const nonce = Buffer.alloc(12, 1);
    const large = Buffer.alloc(64 * 1024 + 5, 0x5a);
    expect(hex(openChaChaPoly(key, nonce, seal(key, nonce, large))!)).toBe(hex(large));
  });

  it('refuses any flipped bit, a wrong key or nonce, and a box shorter than its tag', () => {
    fc.assert(
      fc.property(key32, fc.uint8Array({ minLength: 12, maxLength: 12 }), bytes(100), fc.nat(), fc.integer({ min: 0, max: 7 }), (key, nonce, plaintext, at, bit) => {
        const sealed = seal(key, nonce, plaintext);
        sealed[at % sealed.length]! ^= 1 << bit;
        return openChaChaPoly(key, nonce, sealed) === undefined;
      }),
      { numRuns: 300 },
    );
    const key = Buffer.alloc(32, 3);
    const nonce = Buffer.alloc(12, 4);
    const sealed = seal(key, nonce, Buffer.from('secret value'));
    expect(openChaChaPoly(Buffer.alloc(32, 9), nonce, sealed)).toBeUndefined();
    expect(openChaChaPoly(key, Buffer.alloc(12, 5), sealed)).toBeUndefined();
    expect(openChaChaPoly(key, nonce, sealed.subarray(0, 15))).toBeUndefined();
  });
});

describe('X25519 (RFC 7748)', () => {
  it('matches the vectors of sections 5.2 and 6.1', () => {
    expect(hex(x25519(fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'), fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c')))).toBe(
      'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    );
    expect(hex(x25519(fromHex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'), fromHex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493')))).toBe(
      '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
    );
    const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    expect(hex(x25519(alice, X25519_BASE))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(hex(x25519(bob, X25519_BASE))).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(hex(x25519(alice, x25519(bob, X25519_BASE)))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it('agrees with OpenSSL on random key pairs, public keys included', () => {
    for (let round = 0; round < 100; round += 1) {
      const ours = generateKeyPairSync('x25519');
      const theirs = generateKeyPairSync('x25519');
      const secret = rawOf(ours.privateKey, 'd');
      expect(hex(x25519(secret, X25519_BASE))).toBe(hex(rawOf(ours.publicKey, 'x')));
      expect(hex(x25519(secret, rawOf(theirs.publicKey, 'x')))).toBe(hex(diffieHellman({ privateKey: ours.privateKey, publicKey: theirs.publicKey })));
    }
  });

  it('agrees with OpenSSL on arbitrary points: the top bit ignored, values past p reduced', () => {
    const { privateKey } = generateKeyPairSync('x25519');
    const secret = rawOf(privateKey, 'd');
    fc.assert(
      fc.property(key32, (point) => {
        let expected: string;
        try {
          expected = hex(diffieHellman({ privateKey, publicKey: publicKeyOf(point) }));
        } catch {
          // OpenSSL refuses points whose result is all zeros; ours returns the zeros, which age rejects.
          expected = '00'.repeat(32);
        }
        return hex(x25519(secret, point)) === expected;
      }),
      { numRuns: 200 },
    );
    // 2^255 - 19 + 1 (non-canonical 1) and 2^255 - 1, with the top bit set.
    for (const point of [fromHex(`ee${'ff'.repeat(30)}7f`), fromHex('ff'.repeat(32)), fromHex(`01${'00'.repeat(31)}`)]) {
      let expected = '00'.repeat(32);
      try {
        expected = hex(diffieHellman({ privateKey, publicKey: publicKeyOf(point) }));
      } catch {
        // All zeros, as above.
      }
      expect(hex(x25519(secret, point))).toBe(expected);
    }
  });

  it('gives all zeros for a low-order point', () => {
    expect(hex(x25519(Buffer.alloc(32, 0x42), Buffer.alloc(32)))).toBe('00'.repeat(32));
  });
});

describe('equalBytes', () => {
  it('is true only for equal bytes of equal length', () => {
    expect(equalBytes(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(equalBytes(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(equalBytes(Buffer.from('abc'), Buffer.from('ab'))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
