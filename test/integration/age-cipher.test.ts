import { execFileSync } from 'node:child_process';
import {
  createCipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bech32 } from '@scure/base';
import { Encrypter, Stanza } from 'age-encryption';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, generateKeyPair, isX25519Recipient, recipientOf } from '../../src/adapters/age-cipher.js';
import { DevsecretsError, type ErrorCode } from '../../src/core/errors.js';
import { encryptLegacy } from '../helpers/legacy-store.js';
import { useTmpDir } from '../helpers/tmp.js';

const KIB = 1024;
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const tmp = useTmpDir();

/** Writes the identity to a 0600 file, so the secret reaches `age` via `-i`, never argv. */
function identityFile(identity: string): string {
  const path = join(tmp(), `identity-${randomBytes(4).toString('hex')}.txt`);
  writeFileSync(path, `${identity}\n`, { mode: 0o600 });
  return path;
}

function ageDecrypt(ciphertext: Uint8Array, identity: string): Buffer {
  return execFileSync('age', ['-d', '-i', identityFile(identity)], { input: ciphertext, stdio: 'pipe' });
}

function ageEncrypt(plaintext: Uint8Array, recipients: string[], armor = false): Buffer {
  const args = ['-e', ...recipients.flatMap((recipient) => ['-r', recipient]), ...(armor ? ['-a'] : [])];
  return execFileSync('age', args, { input: plaintext });
}

function ageKeygen(): { identity: string; recipient: string } {
  const path = join(tmp(), `keygen-${randomBytes(4).toString('hex')}.txt`);
  execFileSync('age-keygen', ['-o', path], { stdio: 'pipe' });
  const identity = readFileSync(path, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('AGE-SECRET-KEY-1'));
  if (identity === undefined) throw new Error('age-keygen wrote no identity');
  return { identity, recipient: execFileSync('age-keygen', ['-y', path], { encoding: 'utf8' }).trim() };
}

/** Deterministic pseudo-random bytes, so property counterexamples replay. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

function errorOf(run: () => unknown): DevsecretsError {
  try {
    run();
  } catch (error) {
    if (error instanceof DevsecretsError) return error;
    throw new Error(`expected a DevsecretsError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected it to throw');
}

function expectCode(run: () => unknown, codes: ErrorCode | ErrorCode[]): DevsecretsError {
  const error = errorOf(run);
  expect([codes].flat()).toContain(error.code);
  expect(error.exitCode).toBe(4);
  return error;
}

function headerLength(file: Uint8Array): number {
  const buffer = Buffer.from(file);
  const macLine = buffer.indexOf('\n--- ') + 1;
  return buffer.indexOf(0x0a, macLine) + 1;
}

// A minimal age encryptor for files typage and age never produce: odd chunkings, bad stanzas.
function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function stanzaBody(bytes: Uint8Array): string {
  const text = b64(bytes);
  const lines: string[] = text.match(/.{1,64}/g) ?? [];
  if (text.length % 64 === 0) lines.push('');
  return lines.join('\n');
}

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

interface CraftOptions {
  chunks: Array<{ plaintext: Uint8Array; final: boolean }>;
  /** Raw stanza text inserted before the X25519 stanza. */
  extraStanzas?: string;
  /** Replaces the X25519 stanza's first line. */
  stanzaLine?: (share: string) => string;
  ephemeralPublic?: Buffer;
}

function craftAge(recipient: string, options: CraftOptions): Buffer {
  const recipientPublic = Buffer.from(bech32.decodeToBytes(recipient).bytes);
  const fileKey = randomBytes(16);
  const ephemeral = generateKeyPairSync('x25519');
  const share = options.ephemeralPublic ?? ephemeral.publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, recipientPublic]), format: 'der', type: 'spki' }),
  });
  const wrapKey = hkdf(shared, Buffer.concat([share, recipientPublic]), 'age-encryption.org/v1/X25519');
  const stanzaLine = options.stanzaLine?.(b64(share)) ?? `-> X25519 ${b64(share)}`;
  const header =
    `age-encryption.org/v1\n${options.extraStanzas ?? ''}${stanzaLine}\n` +
    `${stanzaBody(seal(wrapKey, Buffer.alloc(12), fileKey))}\n---`;
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(header).digest();
  const payloadNonce = randomBytes(16);
  const payloadKey = hkdf(fileKey, payloadNonce, 'payload');
  const chunks = options.chunks.map(({ plaintext, final }, index) => {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(index, 5, 6);
    nonce[11] = final ? 1 : 0;
    return seal(payloadKey, nonce, plaintext);
  });
  return Buffer.concat([Buffer.from(`${header} ${b64(mac)}\n`), payloadNonce, ...chunks]);
}

describe('keys', () => {
  it('generates key pairs that age-keygen agrees with', async () => {
    const pair = await generateKeyPair();
    expect(pair.identity).toMatch(/^AGE-SECRET-KEY-1[02-9ACDEFGHJKLMNPQRSTUVWXYZ]{58}$/);
    expect(pair.recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect(execFileSync('age-keygen', ['-y', identityFile(pair.identity)], { encoding: 'utf8' }).trim()).toBe(pair.recipient);
  });

  it('derives the recipient of an age-keygen identity', () => {
    const { identity, recipient } = ageKeygen();
    expect(recipientOf(identity)).toBe(recipient);
    expect(recipientOf(identity.toLowerCase())).toBe(recipient);
  });

  it('rejects malformed identities without echoing them', async () => {
    const { identity } = await generateKeyPair();
    const lastChar = identity.at(-1) === 'Q' ? 'P' : 'Q';
    for (const bad of [`${identity.slice(0, -1)}${lastChar}`, identity.slice(0, -2), 'AGE-SECRET-KEY-1', '', identity.replace('AGE', 'Age')]) {
      const error = errorOf(() => recipientOf(bad));
      expect(error.code).toBe('IDENTITY_MISSING');
      expect(error.message).not.toContain(identity.slice(16, 40));
    }
  });

  it('recognises X25519 recipients only', async () => {
    const { recipient } = await generateKeyPair();
    expect(isX25519Recipient(recipient)).toBe(true);
    expect(isX25519Recipient(`${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`)).toBe(false);
    expect(isX25519Recipient('age1')).toBe(false);
    expect(isX25519Recipient('ssh-ed25519 AAAA')).toBe(false);
    const { generateHybridIdentity, identityToRecipient } = await import('age-encryption');
    expect(isX25519Recipient(await identityToRecipient(await generateHybridIdentity()))).toBe(false);
  });
});

describe('interoperability with the age CLI', () => {
  const sizes = [0, 1, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, 128 * KIB, 200 * KIB];

  it.each(sizes)('age decrypts what we encrypt (%i bytes)', async (size) => {
    const pair = await generateKeyPair();
    const plaintext = randomBytes(size);
    const ciphertext = await encrypt(plaintext, pair.recipient);
    expect(Buffer.from(ciphertext.subarray(0, 22)).toString()).toBe('age-encryption.org/v1\n');
    expect(ageDecrypt(ciphertext, pair.identity).equals(plaintext)).toBe(true);
  });

  it.each(sizes)('we decrypt what age encrypts (%i bytes)', (size) => {
    const { identity, recipient } = ageKeygen();
    const plaintext = randomBytes(size);
    expect(Buffer.from(decrypt(ageEncrypt(plaintext, [recipient]), identity).plaintext).equals(plaintext)).toBe(true);
  });

  it('opens with or without the recipient the caller expects, right or wrong', async () => {
    const pair = await generateKeyPair();
    const other = await generateKeyPair();
    const ciphertext = ageEncrypt(Buffer.from('hello'), [pair.recipient]);
    for (const recipient of [pair.recipient, other.recipient, 'age1notarecipient', undefined]) {
      expect(Buffer.from(decrypt(ciphertext, pair.identity, recipient).plaintext).toString()).toBe('hello');
    }
    expectCode(() => decrypt(ciphertext, other.identity, pair.recipient), 'IDENTITY_MISMATCH');
  });

  it('finds our stanza among several recipients, wherever it is', async () => {
    const ours = ageKeygen();
    const others = [ageKeygen().recipient, ageKeygen().recipient];
    const plaintext = Buffer.from('{"DATABASE_URL":"postgresql://localhost/dev"}');
    for (const order of [[ours.recipient, ...others], [...others, ours.recipient], [others[0]!, ours.recipient, others[1]!]]) {
      expect(Buffer.from(decrypt(ageEncrypt(plaintext, order), ours.identity).plaintext).equals(plaintext)).toBe(true);
    }
  });

  it('skips stanzas of unknown types, which still count for the header MAC', async () => {
    const pair = await generateKeyPair();
    const encrypter = new Encrypter();
    encrypter.addRecipient({
      wrapFileKey: () => [0, 1, 47, 48, 100].map((length) => new Stanza(['devsecrets.test/grease', `len${length}`], randomBytes(length))),
    });
    encrypter.addRecipient(pair.recipient);
    const ciphertext = await encrypter.encrypt('hello');
    expect(Buffer.from(decrypt(ciphertext, pair.identity).plaintext).toString()).toBe('hello');
    expect(ageDecrypt(ciphertext, pair.identity).toString()).toBe('hello');
  });

  it('round-trips random payloads through typage encryption and our decryption', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * 64 * KIB + 100 }), fc.integer(), async (length, seed) => {
        const pair = await generateKeyPair();
        const plaintext = pseudoRandomBytes(length, seed);
        expect(Buffer.from(decrypt(await encrypt(plaintext, pair.recipient), pair.identity).plaintext).equals(Buffer.from(plaintext))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('decrypts files with hand-built chunking that follows the spec', async () => {
    const { identity, recipient } = ageKeygen();
    const full = randomBytes(64 * KIB);
    const tail = randomBytes(10);
    const file = craftAge(recipient, { chunks: [{ plaintext: full, final: false }, { plaintext: tail, final: true }] });
    expect(ageDecrypt(file, identity).equals(Buffer.concat([full, tail]))).toBe(true);
    expect(Buffer.from(decrypt(file, identity).plaintext).equals(Buffer.concat([full, tail]))).toBe(true);
  });
});

describe('refusals', () => {
  it('refuses a wrong identity', async () => {
    const pair = await generateKeyPair();
    const other = await generateKeyPair();
    const error = expectCode(() => decrypt(ageEncrypt(Buffer.from('x'), [pair.recipient]), other.identity), 'IDENTITY_MISMATCH');
    expect(error.message).toBe('store cannot be decrypted with this identity');
    expect(error.hint).toBeTruthy();
  });

  it('refuses armored files with a clear message', async () => {
    const pair = await generateKeyPair();
    const error = expectCode(() => decrypt(ageEncrypt(Buffer.from('x'), [pair.recipient], true), pair.identity), 'STORE_UNREADABLE');
    expect(error.message).toMatch(/armored/);
  });

  it.each([
    ['empty', ''],
    ['text', 'DATABASE_URL=postgres://localhost\n'],
    ['json', '{"format":1}'],
    ['version line only', 'age-encryption.org/v1\n'],
    ['another version', 'age-encryption.org/v2\n-> X25519 AAAA\nAAAA\n--- AAAA\n'],
    ['no stanzas', `age-encryption.org/v1\n--- ${'A'.repeat(43)}\n${'x'.repeat(40)}`],
    ['CRLF', 'age-encryption.org/v1\r\n'],
  ])('refuses input that is not age (%s)', async (_name, text) => {
    const { identity } = await generateKeyPair();
    expectCode(() => decrypt(Buffer.from(text), identity), 'STORE_UNREADABLE');
  });

  it('refuses random bytes', async () => {
    const { identity } = await generateKeyPair();
    for (let round = 0; round < 20; round += 1) expectCode(() => decrypt(randomBytes(round * 37), identity), 'STORE_UNREADABLE');
  });

  it('refuses a store truncated at any offset', async () => {
    const pair = await generateKeyPair();
    const file = await encrypt(randomBytes(64 * KIB + 1000), pair.recipient);
    const header = headerLength(file);
    const chunkEnd = header + 16 + 64 * KIB + 16;
    const offsets = new Set<number>();
    for (let offset = 0; offset < header + 40; offset += 1) offsets.add(offset);
    for (let offset = header; offset < file.length; offset += 997) offsets.add(offset);
    for (const offset of [chunkEnd - 1, chunkEnd, chunkEnd + 1, chunkEnd + 16, file.length - 17, file.length - 16, file.length - 1]) {
      offsets.add(offset);
    }
    for (const offset of offsets) expectCode(() => decrypt(file.subarray(0, offset), pair.identity), 'STORE_UNREADABLE');
  });

  it('refuses trailing data', async () => {
    const pair = await generateKeyPair();
    for (const size of [0, 100, 64 * KIB]) {
      const file = await encrypt(randomBytes(size), pair.recipient);
      for (const extra of [Buffer.alloc(1), randomBytes(16), randomBytes(17), randomBytes(64 * KIB + 16)]) {
        expectCode(() => decrypt(Buffer.concat([file, extra]), pair.identity), 'STORE_UNREADABLE');
      }
    }
  });

  it.each([
    ['an X25519 stanza', false],
    ['an X25519 and an identity-key stanza (an earlier devsecrets)', true],
  ])('refuses every single bit flip in a header with %s', async (_label, legacy) => {
    const pair = await generateKeyPair();
    const plaintext = Buffer.from('SECRET=plaintext-marker');
    const file = Buffer.from(legacy ? await encryptLegacy(plaintext, pair.recipient, [pair.identity]) : await encrypt(plaintext, pair.recipient));
    const versionEnd = file.indexOf(0x0a) + 1;
    const macLine = file.indexOf('\n--- ') + 1;
    for (let index = 0; index < headerLength(file); index += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const flipped = Buffer.from(file);
        flipped[index]! ^= 1 << bit;
        // A changed stanza is indistinguishable from a stanza for another recipient.
        const codes: ErrorCode[] = index >= versionEnd && index < macLine ? ['STORE_UNREADABLE', 'IDENTITY_MISMATCH'] : ['STORE_UNREADABLE'];
        const error = expectCode(() => decrypt(flipped, pair.identity), codes);
        expect(error.message).not.toContain('plaintext-marker');
      }
    }
  });

  it('refuses bit flips throughout the payload', async () => {
    const pair = await generateKeyPair();
    const file = Buffer.from(await encrypt(randomBytes(2 * 64 * KIB + 5), pair.recipient));
    for (let index = headerLength(file); index < file.length; index += 211) {
      const flipped = Buffer.from(file);
      flipped[index]! ^= 1 << index % 8;
      expectCode(() => decrypt(flipped, pair.identity), 'STORE_UNREADABLE');
    }
    const lastByte = Buffer.from(file);
    lastByte[lastByte.length - 1]! ^= 0x80;
    expectCode(() => decrypt(lastByte, pair.identity), 'STORE_UNREADABLE');
  });

  it('refuses any random corruption (property)', async () => {
    const pair = await generateKeyPair();
    const file = Buffer.from(await encrypt(randomBytes(70 * KIB), pair.recipient));
    fc.assert(
      fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const corrupted = Buffer.from(file);
        corrupted[index]! ^= mask;
        expectCode(() => decrypt(corrupted, pair.identity), ['STORE_UNREADABLE', 'IDENTITY_MISMATCH']);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a non-canonical base64 MAC that decodes to the right bytes', async () => {
    const pair = await generateKeyPair();
    const text = Buffer.from(await encrypt(Buffer.from('x'), pair.recipient)).toString('latin1');
    const macLine = text.indexOf('\n--- ') + 5;
    const last = macLine + 42;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    // The last of 43 characters carries 4 bits of the MAC and 2 padding bits that must be zero.
    const sibling = alphabet[alphabet.indexOf(text[last]!) ^ 1]!;
    const tampered = Buffer.from(`${text.slice(0, last)}${sibling}${text.slice(last + 1)}`, 'latin1');
    expect(Buffer.from(tampered.toString('latin1').slice(macLine, macLine + 43), 'base64')).toEqual(
      Buffer.from(text.slice(macLine, macLine + 43), 'base64'),
    );
    expectCode(() => decrypt(tampered, pair.identity), 'STORE_UNREADABLE');
  });

  it('refuses spec-violating chunkings that age refuses too', async () => {
    const { identity, recipient } = ageKeygen();
    const full = randomBytes(64 * KIB);
    const cases = {
      'empty final chunk after a full one': [
        { plaintext: full, final: false },
        { plaintext: Buffer.alloc(0), final: true },
      ],
      'no final chunk': [{ plaintext: full, final: false }],
      'short chunk not marked final': [{ plaintext: Buffer.from('short'), final: false }],
      'data after the final chunk': [
        { plaintext: full, final: true },
        { plaintext: Buffer.from('more'), final: true },
      ],
      'no chunk at all': [],
    };
    for (const chunks of Object.values(cases)) {
      const file = craftAge(recipient, { chunks });
      expect(() => ageDecrypt(file, identity)).toThrow();
      expectCode(() => decrypt(file, identity), 'STORE_UNREADABLE');
    }
  });

  it('refuses malformed X25519 stanzas', async () => {
    const { identity, recipient } = ageKeygen();
    const chunks = [{ plaintext: Buffer.from('x'), final: true }];
    const malformed = [
      craftAge(recipient, { chunks, stanzaLine: (share) => `-> X25519 ${share} extra` }),
      craftAge(recipient, { chunks, stanzaLine: () => '-> X25519' }),
      craftAge(recipient, { chunks, stanzaLine: (share) => `-> X25519 ${share.slice(0, 40)}` }),
      craftAge(recipient, { chunks, stanzaLine: (share) => `->  X25519 ${share}` }),
      craftAge(recipient, { chunks, extraStanzas: '-> \nAAAA\n' }),
      // A low-order point: the shared secret would be all zeros.
      craftAge(recipient, { chunks, ephemeralPublic: Buffer.alloc(32) }),
    ];
    for (const file of malformed) expectCode(() => decrypt(file, identity), 'STORE_UNREADABLE');
    const valid = craftAge(recipient, { chunks, extraStanzas: '-> other.example/type a b\n\n' });
    expect(Buffer.from(decrypt(valid, identity).plaintext).toString()).toBe('x');
  });
});

describe('plain age', () => {
  const stanzaLines = (file: Uint8Array): string[] =>
    Buffer.from(file).subarray(0, headerLength(file)).toString('latin1').split('\n').filter((line) => line.startsWith('-> '));

  it('writes one X25519 stanza per recipient and nothing else', async () => {
    const pairs = [await generateKeyPair(), await generateKeyPair()];
    const plaintext = Buffer.from('{"API_TOKEN":"tok_value"}');
    const file = await encrypt(plaintext, pairs.map((pair) => pair.recipient));
    const lines = stanzaLines(file);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^-> X25519 [A-Za-z0-9+/]{43}$/);
    for (const pair of pairs) {
      expect(ageDecrypt(file, pair.identity).equals(plaintext)).toBe(true);
      expect(decrypt(file, pair.identity)).toEqual({ plaintext: new Uint8Array(plaintext), sealedByIdentity: false });
    }
  });
});

describe('stores of an earlier devsecrets, with an identity-key stanza', () => {
  it('open, through the stanza, which proves the writer held the identity; age opens them through X25519', async () => {
    const pair = await generateKeyPair();
    const plaintext = Buffer.from('{"API_TOKEN":"tok_value"}');
    const file = await encryptLegacy(plaintext, pair.recipient, [pair.identity]);
    expect(ageDecrypt(file, pair.identity).equals(plaintext)).toBe(true);
    expect(decrypt(file, pair.identity)).toEqual({ plaintext: new Uint8Array(plaintext), sealedByIdentity: true });
  });

  it('open through X25519, unproven, when the stanza was sealed for another identity', async () => {
    const pair = await generateKeyPair();
    const other = await generateKeyPair();
    const file = await encryptLegacy(Buffer.from('x25519 after all'), pair.recipient, [other.identity]);
    expect(decrypt(file, pair.identity)).toEqual({ plaintext: new Uint8Array(Buffer.from('x25519 after all')), sealedByIdentity: false });
    expectCode(() => decrypt(file, ageKeygen().identity), 'IDENTITY_MISMATCH');
  });

  it('are refused when the stanza is malformed', async () => {
    const pair = await generateKeyPair();
    const malformed = [
      new Stanza(['devsecrets/v1/identity-key', randomBytes(15).toString('base64').replace(/=+$/, '')], randomBytes(32)),
      new Stanza(['devsecrets/v1/identity-key', randomBytes(16).toString('base64').replace(/=+$/, '')], randomBytes(31)),
      new Stanza(['devsecrets/v1/identity-key'], randomBytes(32)),
      new Stanza(['devsecrets/v1/identity-key', 'AAAAAAAAAAAAAAAAAAAAAA', 'extra'], randomBytes(32)),
    ];
    for (const stanza of malformed) {
      const encrypter = new Encrypter();
      encrypter.addRecipient(pair.recipient);
      encrypter.addRecipient({ wrapFileKey: () => [stanza] });
      const file = await encrypter.encrypt('x');
      expectCode(() => decrypt(file, pair.identity), 'STORE_UNREADABLE');
    }
  });
});

describe('the run path', () => {
  it('does not import typage to decrypt', () => {
    const source = readFileSync(new URL('../../src/adapters/age-cipher.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import .* from 'age-encryption'/m);
  });
});
