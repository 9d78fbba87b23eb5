/**
 * The age cipher behind the store: plain age v1 files with X25519 recipients, so
 * `age -d -i <identity file> .devsecrets/store.age` always works, and a file `age -r`
 * wrote opens here.
 *
 * Encryption and key generation go through typage (`age-encryption`), imported lazily.
 * Decryption reads the age v1 format here, synchronously, and does every cryptographic
 * step with node:crypto (OpenSSL): X25519 by `diffieHellman`, HKDF-SHA256, HMAC-SHA256 and
 * ChaCha20-Poly1305. `devsecrets run` decrypts on every start, and loading typage costs it
 * about 100 ms, loading node:crypto a few. The reader accepts X25519 stanzas only and is
 * deliberately strict: anything malformed, truncated or unauthenticated is rejected as a
 * whole, never partially returned.
 *
 * Stores written by devsecrets before it wrote plain age also carry a stanza of type
 * `devsecrets/v1/identity-key` (the file key sealed under a key derived from the identity);
 * such a stanza still opens, and tells the caller that the file was written by the holder
 * of the identity. Nothing writes it any more.
 */
import {
  createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, timingSafeEqual, type KeyObject,
} from 'node:crypto';
import { bech32 } from '@scure/base';
import { DevsecretsError } from '../core/errors.js';

/** An age X25519 key pair in its text encodings. */
export interface AgeKeyPair {
  /** The secret key, `AGE-SECRET-KEY-1…`. */
  identity: string;
  /** The public key, `age1…`. */
  recipient: string;
}

/** What {@link decrypt} found. */
export interface DecryptedFile {
  plaintext: Uint8Array;
  /**
   * The file key came from a legacy `devsecrets/v1/identity-key` stanza, which only the
   * holder of the identity can make: the whole file was written by that holder.
   */
  sealedByIdentity: boolean;
}

const IDENTITY_HRP = 'AGE-SECRET-KEY-';
const RECIPIENT_HRP = 'age';
const VERSION_LINE = 'age-encryption.org/v1';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
const NONCE_SIZE = 16;
const BODY_LINE_COLUMNS = 64;
const LEGACY_IDENTITY_KEY_TYPE = 'devsecrets/v1/identity-key';
const LEGACY_IDENTITY_KEY_SALT_SIZE = 16;
const ZERO_NONCE = Buffer.alloc(12);
// The fixed DER prefix of an X25519 private key in PKCS#8 (RFC 8410): node:crypto takes a raw
// private key only wrapped. Public keys go in and out as JWK, which skips OpenSSL's decoders.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * Generates a fresh X25519 key pair.
 *
 * @returns the identity and its recipient, in age's text encodings
 */
export async function generateKeyPair(): Promise<AgeKeyPair> {
  const { generateX25519Identity } = await import('age-encryption');
  const identity = await generateX25519Identity();
  return { identity, recipient: recipientOf(identity) };
}

/**
 * Derives the recipient (`age1…`) of an identity (`AGE-SECRET-KEY-1…`).
 *
 * @throws DevsecretsError `IDENTITY_MISSING` when the identity is not a valid X25519 secret key
 */
export function recipientOf(identity: string): string {
  return bech32.encodeFromBytes(RECIPIENT_HRP, publicKeyOf(privateKeyOf(identity)));
}

/**
 * Tells whether a string is a well-formed age X25519 identity (`AGE-SECRET-KEY-1…`,
 * checksum verified) without any key arithmetic, so checking it costs nothing on `run`.
 */
export function isX25519Identity(identity: string): boolean {
  const secret = secretBytesOf(identity);
  secret?.fill(0);
  return secret !== undefined;
}

/**
 * Tells whether a string is a valid age X25519 recipient (`age1…`, checksum verified).
 * Post-quantum and plugin recipients are not: the store must stay decryptable by
 * {@link decrypt}.
 */
export function isX25519Recipient(recipient: string): boolean {
  const decoded = bech32Decode(recipient);
  return decoded?.prefix === RECIPIENT_HRP && decoded.bytes.length === 32;
}

/**
 * Encrypts to X25519 recipients, producing a plain binary (not armored) age v1 file: one
 * X25519 stanza per recipient and nothing else.
 *
 * @throws DevsecretsError `STORE_UNREADABLE` when a recipient is not a valid X25519 recipient
 */
export async function encrypt(plaintext: Uint8Array, recipients: string | readonly string[]): Promise<Uint8Array> {
  const list = typeof recipients === 'string' ? [recipients] : recipients;
  if (list.length === 0 || !list.every(isX25519Recipient)) {
    throw new DevsecretsError('STORE_UNREADABLE', 'store recipient is not a valid age X25519 recipient', {
      hint: 'check the "recipient" field of .devsecrets/store.json, or recreate the store with devsecrets init --force',
    });
  }
  const { Encrypter } = await import('age-encryption');
  const encrypter = new Encrypter();
  for (const recipient of list) encrypter.addRecipient(recipient);
  return encrypter.encrypt(plaintext);
}

/**
 * Derives a 32-byte key that only the holder of `identity` can derive (HKDF-SHA256 of its
 * secret bytes with `salt` and `info`), for authenticating what that holder writes.
 *
 * @throws DevsecretsError `IDENTITY_MISSING` when the identity is not a valid X25519 secret key
 */
export function deriveIdentityKey(identity: string, salt: string, info: string): Buffer {
  const secret = requireSecretBytes(identity);
  try {
    return hkdf(secret, salt, info);
  } finally {
    secret.fill(0);
  }
}

/**
 * Decrypts a binary age v1 file with one X25519 identity. Synchronous and all-or-nothing:
 * the plaintext is returned only once the header MAC and every payload chunk have been
 * authenticated. `recipient`, the identity's recipient as the caller knows it (the store's
 * metadata), only makes opening faster; a wrong one changes nothing.
 *
 * @throws DevsecretsError `IDENTITY_MISSING` when the identity is not a valid X25519 secret key
 * @throws DevsecretsError `STORE_UNREADABLE` when the input is armored, not age, malformed,
 *   truncated, has trailing data, or fails authentication
 * @throws DevsecretsError `IDENTITY_MISMATCH` when no stanza of the header opens with this identity
 */
export function decrypt(ciphertext: Uint8Array, identity: string, recipient?: string): DecryptedFile {
  const secret = requireSecretBytes(identity);
  try {
    const data = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const header = parseHeader(data);
    const legacyKey = openLegacyIdentityKeyStanza(header.stanzas, secret);
    const fileKey = legacyKey ?? unwrapFileKey(header.stanzas, secret, recipient);
    if (fileKey === undefined) {
      throw new DevsecretsError('IDENTITY_MISMATCH', 'store cannot be decrypted with this identity', {
        hint: 'the store was encrypted to another key: check DEVSECRETS_IDENTITY_FILE and the OS keychain, or start over with devsecrets init --force (values you set are lost)',
      });
    }
    try {
      const mac = createHmac('sha256', hkdf(fileKey, '', 'header')).update(header.macInput).digest();
      if (!timingSafeEqual(mac, header.mac)) throw corrupt();
      return { plaintext: decryptPayload(header.payload, fileKey), sealedByIdentity: legacyKey !== undefined };
    } finally {
      fileKey.fill(0);
    }
  } finally {
    secret.fill(0);
  }
}

interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

interface Header {
  stanzas: Stanza[];
  /** The header bytes the MAC covers: everything up to and including `---`. */
  macInput: Buffer;
  mac: Buffer;
  payload: Buffer;
}

function parseHeader(data: Buffer): Header {
  const versionEnd = data.indexOf(0x0a);
  if (versionEnd < 0 || data.toString('latin1', 0, versionEnd) !== VERSION_LINE) {
    if (data.subarray(0, 64).toString('latin1').trimStart().startsWith(ARMOR_BEGIN)) {
      throw new DevsecretsError('STORE_UNREADABLE', 'store is ASCII-armored; devsecrets reads binary age files only', {
        hint: 'decrypt it with age -d and re-encrypt it without -a (--armor)',
      });
    }
    throw corrupt();
  }
  let pos = versionEnd + 1;
  const nextLine = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw corrupt();
    const line = data.toString('latin1', pos, end);
    pos = end + 1;
    return line;
  };

  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = pos;
    const line = nextLine();
    if (line.startsWith('--- ')) {
      const mac = decodeBase64(line.slice(4));
      if (stanzas.length === 0 || mac.length !== 32) throw corrupt();
      return { stanzas, macInput: data.subarray(0, lineStart + 3), mac, payload: data.subarray(pos) };
    }
    if (!line.startsWith('-> ')) throw corrupt();
    const [type, ...args] = line.slice(3).split(' ');
    if (type === undefined || ![type, ...args].every(isStanzaArgument)) throw corrupt();
    const bodyParts: Buffer[] = [];
    for (;;) {
      const bodyLine = nextLine();
      if (bodyLine.length > BODY_LINE_COLUMNS) throw corrupt();
      bodyParts.push(decodeBase64(bodyLine));
      // The body ends at its first short line, which may be empty.
      if (bodyLine.length < BODY_LINE_COLUMNS) break;
    }
    stanzas.push({ type, args, body: Buffer.concat(bodyParts) });
  }
}

/** The file key from a legacy identity-key stanza sealed for `secret`; undefined when there is none. */
function openLegacyIdentityKeyStanza(stanzas: readonly Stanza[], secret: Uint8Array): Buffer | undefined {
  for (const stanza of stanzas) {
    if (stanza.type !== LEGACY_IDENTITY_KEY_TYPE) continue;
    const salt = stanza.args.length === 1 ? decodeBase64(stanza.args[0] ?? '') : Buffer.alloc(0);
    if (salt.length !== LEGACY_IDENTITY_KEY_SALT_SIZE || stanza.body.length !== 32) throw corrupt();
    const key = hkdf(secret, salt, LEGACY_IDENTITY_KEY_TYPE);
    const fileKey = openChaChaPoly(key, ZERO_NONCE, stanza.body);
    key.fill(0);
    // Sealed for another identity (a store mid-way through rotate --identity had two).
    if (fileKey !== undefined) return fileKey;
  }
  return undefined;
}

/** The file key from the first X25519 stanza that opens with `secret`; undefined when none does. */
function unwrapFileKey(stanzas: readonly Stanza[], secret: Uint8Array, recipient: string | undefined): Buffer | undefined {
  const privateKey = x25519PrivateKey(secret, recipient);
  let ourPublic: Buffer | undefined;
  for (const stanza of stanzas) {
    // Other stanza types belong to other identities; they are covered by the MAC only.
    if (stanza.type !== 'X25519') continue;
    const share = stanza.args.length === 1 ? decodeBase64(stanza.args[0] ?? '') : Buffer.alloc(0);
    if (share.length !== 32 || stanza.body.length !== 32) throw corrupt();
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: share.toString('base64url') }, format: 'jwk' }) });
    } catch {
      // OpenSSL refuses a low-order share (an all-zero shared secret), as age requires.
      throw corrupt();
    }
    if (shared.every((byte) => byte === 0)) throw corrupt();
    ourPublic ??= publicKeyOf(privateKey);
    const wrapKey = hkdf(shared, Buffer.concat([share, ourPublic]), X25519_INFO);
    shared.fill(0);
    const fileKey = openChaChaPoly(wrapKey, ZERO_NONCE, stanza.body);
    wrapKey.fill(0);
    // A failed open means the stanza is for another recipient, not that the file is bad.
    if (fileKey !== undefined && fileKey.length === 16) return fileKey;
  }
  return undefined;
}

function decryptPayload(payload: Buffer, fileKey: Uint8Array): Uint8Array {
  if (payload.length < NONCE_SIZE + TAG_SIZE) throw corrupt();
  const key = hkdf(fileKey, payload.subarray(0, NONCE_SIZE), 'payload');
  const body = payload.subarray(NONCE_SIZE);
  const sealedChunk = CHUNK_SIZE + TAG_SIZE;
  const chunkCount = Math.ceil(body.length / sealedChunk);
  const lastSealed = body.length - (chunkCount - 1) * sealedChunk;
  // An empty final chunk is only valid as the sole chunk of an empty file (age spec).
  if (lastSealed < TAG_SIZE || (lastSealed === TAG_SIZE && chunkCount > 1)) throw corrupt();

  const plaintext = new Uint8Array(body.length - chunkCount * TAG_SIZE);
  const nonce = Buffer.alloc(12);
  try {
    for (let index = 0; index < chunkCount; index += 1) {
      const final = index === chunkCount - 1;
      nonce.writeUIntBE(index, 5, 6);
      nonce[11] = final ? 1 : 0;
      const opened = openChaChaPoly(key, nonce, body.subarray(index * sealedChunk, final ? body.length : (index + 1) * sealedChunk));
      if (opened === undefined) {
        plaintext.fill(0);
        throw corrupt();
      }
      plaintext.set(opened, index * CHUNK_SIZE);
      opened.fill(0);
    }
  } finally {
    key.fill(0);
  }
  return plaintext;
}

/** Opens a ChaCha20-Poly1305 box (ciphertext then 16-byte tag); undefined when the tag does not match. */
function openChaChaPoly(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG_SIZE) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const opened = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([opened, decipher.final()]);
  } catch {
    return undefined;
  } finally {
    opened.fill(0);
  }
}

function hkdf(ikm: Uint8Array, salt: Uint8Array | string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

/** The 32 bytes of the X25519 public key of `privateKey`. */
function publicKeyOf(privateKey: KeyObject): Buffer {
  return Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');
}

/**
 * The X25519 private key of `secret`, for node:crypto. Given the recipient the key is
 * expected to have, it goes in as a JWK (`d` the secret, `x` that recipient's public key),
 * about 0.5 ms faster than PKCS#8 DER, which OpenSSL 3 reads through its generic decoders.
 * Node builds the key from `d`; should a Node refuse an `x` that does not match (a stale
 * recipient), the DER form is used instead. Either way the key is the secret's own.
 */
function x25519PrivateKey(secret: Uint8Array, recipient?: string): KeyObject {
  const expected = recipient === undefined ? undefined : bech32Decode(recipient);
  if (expected?.prefix === RECIPIENT_HRP && expected.bytes.length === 32) {
    try {
      const d = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('base64url');
      return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: Buffer.from(expected.bytes).toString('base64url') }, format: 'jwk' });
    } catch {
      // Refused: the DER form below.
    }
  }
  const der = Buffer.concat([PKCS8_X25519_PREFIX, secret]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

/** The 32 secret bytes of an identity; undefined when it is not a valid X25519 secret key. */
function secretBytesOf(identity: string): Uint8Array | undefined {
  const decoded = bech32Decode(identity);
  if (decoded?.prefix.toUpperCase() === IDENTITY_HRP && decoded.bytes.length === 32) return decoded.bytes;
  decoded?.bytes.fill(0);
  return undefined;
}

function requireSecretBytes(identity: string): Uint8Array {
  const secret = secretBytesOf(identity);
  if (secret !== undefined) return secret;
  throw new DevsecretsError('IDENTITY_MISSING', 'identity is not a valid age X25519 secret key (AGE-SECRET-KEY-1…)', {
    hint: 'check DEVSECRETS_IDENTITY_FILE or the OS keychain entry',
  });
}

function privateKeyOf(identity: string): KeyObject {
  const secret = requireSecretBytes(identity);
  try {
    return x25519PrivateKey(secret);
  } finally {
    secret.fill(0);
  }
}

/** Bech32 without the 90-character limit, which age does not apply; undefined when malformed or the checksum fails. */
function bech32Decode(text: string): { prefix: string; bytes: Uint8Array } | undefined {
  try {
    const { prefix, words } = bech32.decode(text as `${string}1${string}`, false);
    return { prefix, bytes: bech32.fromWords(words) };
  } catch {
    return undefined;
  }
}

function corrupt(): DevsecretsError {
  return new DevsecretsError('STORE_UNREADABLE', 'store is corrupt or has been tampered with', {
    hint: 'restore .devsecrets/store.age from a backup, or recreate it with devsecrets init --force',
  });
}

/** A stanza's type or argument: one or more printable ASCII characters other than space. */
function isStanzaArgument(arg: string): boolean {
  if (arg.length === 0) return false;
  for (let index = 0; index < arg.length; index += 1) {
    const code = arg.charCodeAt(index);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Strict unpadded base64: any other spelling of the same bytes is rejected, as age requires.
 * Checked by hand rather than by regular expressions and a re-encoding: `run` parses a header
 * on every start, and compiling those costs more than the decoding.
 */
function decodeBase64(text: string): Buffer {
  const tail = text.length % 4;
  if (tail === 1) throw corrupt();
  let last = 0;
  for (const char of text) {
    last = BASE64_ALPHABET.indexOf(char);
    if (last < 0) throw corrupt();
  }
  // The last character's bits past the end of the bytes must be zero.
  if ((tail === 2 && (last & 0x0f) !== 0) || (tail === 3 && (last & 0x03) !== 0)) throw corrupt();
  return Buffer.from(text, 'base64');
}
