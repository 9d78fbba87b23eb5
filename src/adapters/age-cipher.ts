/**
 * The age cipher behind the store: plain age v1 files with X25519 recipients, so
 * `age -d -i <identity file> .devsecrets/store.age` always works.
 *
 * The files devsecrets writes carry one more stanza per identity, of our own type
 * `devsecrets/v1/identity-key`: the file key sealed with ChaCha20-Poly1305 under a key
 * derived from the identity's secret bytes (HKDF-SHA256, a random salt per file). Opening
 * it takes no X25519 operation, which saves `devsecrets run` a few milliseconds on every
 * start; age and other implementations skip stanza types they do not know, and a file
 * without the stanza (one `age -r` wrote) opens through its X25519 stanza as before.
 *
 * Encryption and key generation go through typage (`age-encryption`), imported lazily.
 * Decryption is our own synchronous implementation of the age v1 format on the WebAssembly
 * primitives of `core/primitives.ts`, because `devsecrets run` decrypts on every start and
 * typage's decrypter, or even node:crypto's start-up, costs much of its budget. It accepts
 * X25519 stanzas only and is deliberately strict: anything malformed, truncated or
 * unauthenticated is rejected as a whole, never partially returned.
 */
import { equalBytes, hkdfSha256, hmacSha256, openChaChaPoly, x25519, X25519_BASE } from '../core/primitives.js';
import { DevsecretsError } from '../core/errors.js';

/** An age X25519 key pair in its text encodings. */
export interface AgeKeyPair {
  /** The secret key, `AGE-SECRET-KEY-1…`. */
  identity: string;
  /** The public key, `age1…`. */
  recipient: string;
}

const IDENTITY_HRP = 'age-secret-key-';
const RECIPIENT_HRP = 'age';
const VERSION_LINE = 'age-encryption.org/v1';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
const NONCE_SIZE = 16;
const BODY_LINE_COLUMNS = 64;
const IDENTITY_KEY_TYPE = 'devsecrets/v1/identity-key';
const IDENTITY_KEY_SALT_SIZE = 16;
const ZERO_NONCE = new Uint8Array(12);

/**
 * Generates a fresh X25519 key pair.
 *
 * @returns the identity and its recipient, in age's text encodings
 */
export async function generateKeyPair(): Promise<AgeKeyPair> {
  const { generateX25519Identity } = await import('age-encryption');
  const identity = await generateX25519Identity();
  return { identity, recipient: deriveRecipient(identity) };
}

/**
 * Derives the recipient (`age1…`) of an identity (`AGE-SECRET-KEY-1…`).
 *
 * @throws DevsecretsError `IDENTITY_MISSING` when the identity is not a valid X25519 secret key
 */
export async function recipientOf(identity: string): Promise<string> {
  return deriveRecipient(identity);
}

/**
 * Tells whether a string is a well-formed age X25519 identity (`AGE-SECRET-KEY-1…`,
 * checksum verified) without any key arithmetic, so checking it costs nothing on `run`.
 */
export function isX25519Identity(identity: string): boolean {
  const decoded = bech32Decode(identity);
  const valid = decoded !== undefined && decoded.hrp === IDENTITY_HRP && decoded.bytes.length === 32;
  decoded?.bytes.fill(0);
  return valid;
}

/**
 * Tells whether a string is a valid age X25519 recipient (`age1…`, checksum verified).
 * Post-quantum and plugin recipients are not: the store must stay decryptable by
 * {@link decrypt}.
 */
export function isX25519Recipient(recipient: string): boolean {
  return recipientBytes(recipient) !== undefined;
}

/**
 * Encrypts to X25519 recipients, producing a binary (not armored) age v1 file. Each of
 * `identities` (the secret keys of recipients, when the caller holds them) also gets an
 * identity-key stanza, which opens without X25519 arithmetic.
 *
 * @throws DevsecretsError `STORE_UNREADABLE` when a recipient is not a valid X25519 recipient
 */
export async function encrypt(plaintext: Uint8Array, recipients: string | readonly string[], identities: readonly string[] = []): Promise<Uint8Array> {
  const list = typeof recipients === 'string' ? [recipients] : recipients;
  if (list.length === 0 || !list.every(isX25519Recipient)) {
    throw new DevsecretsError('STORE_UNREADABLE', 'store recipient is not a valid age X25519 recipient', {
      hint: 'check the "recipient" field of .devsecrets/store.json, or recreate the store with devsecrets init --force',
    });
  }
  const { Encrypter, Stanza } = await import('age-encryption');
  const { createCipheriv, randomBytes } = await import('node:crypto');
  const encrypter = new Encrypter();
  for (const recipient of list) encrypter.addRecipient(recipient);
  const secrets: Uint8Array[] = [];
  try {
    for (const identity of identities) {
      const secret = secretKeyOf(identity);
      secrets.push(secret);
      encrypter.addRecipient({
        wrapFileKey(fileKey) {
          const salt = randomBytes(IDENTITY_KEY_SALT_SIZE);
          const key = hkdfSha256(secret, salt, IDENTITY_KEY_TYPE);
          const cipher = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: TAG_SIZE });
          const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
          key.fill(0);
          return [new Stanza([IDENTITY_KEY_TYPE, salt.toString('base64').replace(/=+$/, '')], body)];
        },
      });
    }
    return await encrypter.encrypt(plaintext);
  } finally {
    for (const secret of secrets) secret.fill(0);
  }
}

/**
 * Decrypts a binary age v1 file with one X25519 identity. Synchronous and all-or-nothing:
 * the plaintext is returned only once the header MAC and every payload chunk have been
 * authenticated.
 *
 * @throws DevsecretsError `IDENTITY_MISSING` when the identity is not a valid X25519 secret key
 * @throws DevsecretsError `STORE_UNREADABLE` when the input is armored, not age, malformed,
 *   truncated, has trailing data, or fails authentication
 * @throws DevsecretsError `IDENTITY_MISMATCH` when no stanza of the header opens with this identity
 */
export function decrypt(ciphertext: Uint8Array, identity: string): Uint8Array {
  const secret = secretKeyOf(identity);
  try {
    const data = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const header = parseHeader(data);
    const fileKey = openIdentityKeyStanza(header.stanzas, secret) ?? unwrapFileKey(header.stanzas, secret);
    if (fileKey === undefined) {
      throw new DevsecretsError('IDENTITY_MISMATCH', 'store cannot be decrypted with this identity', {
        hint: 'the store was encrypted to another key: check DEVSECRETS_IDENTITY_FILE and the OS keychain, or start over with devsecrets init --force (values you set are lost)',
      });
    }
    try {
      const mac = hmacSha256(hkdfSha256(fileKey, '', 'header'), header.macInput);
      if (!equalBytes(mac, header.mac)) throw corrupt();
      return decryptPayload(header.payload, fileKey);
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

/** The file key from an identity-key stanza sealed for `secret`; undefined when there is none. */
function openIdentityKeyStanza(stanzas: readonly Stanza[], secret: Uint8Array): Uint8Array | undefined {
  for (const stanza of stanzas) {
    if (stanza.type !== IDENTITY_KEY_TYPE) continue;
    const salt = stanza.args.length === 1 ? decodeBase64(stanza.args[0] ?? '') : Buffer.alloc(0);
    if (salt.length !== IDENTITY_KEY_SALT_SIZE || stanza.body.length !== 32) throw corrupt();
    const key = hkdfSha256(secret, salt, IDENTITY_KEY_TYPE);
    const fileKey = openChaChaPoly(key, ZERO_NONCE, stanza.body);
    key.fill(0);
    // Sealed for another identity (a store mid-way through rotate --identity has two).
    if (fileKey !== undefined) return fileKey;
  }
  return undefined;
}

/** The file key from the first X25519 stanza that opens with `secret`; undefined when none does. */
function unwrapFileKey(stanzas: readonly Stanza[], secret: Uint8Array): Uint8Array | undefined {
  let ourPublic: Uint8Array | undefined;
  for (const stanza of stanzas) {
    // Other stanza types belong to other identities; they are covered by the MAC only.
    if (stanza.type !== 'X25519') continue;
    const share = stanza.args.length === 1 ? decodeBase64(stanza.args[0] ?? '') : Buffer.alloc(0);
    if (share.length !== 32 || stanza.body.length !== 32) throw corrupt();
    const shared = x25519(secret, share);
    // A low-order share makes the shared secret all zeros: age requires rejecting it.
    if (shared.every((byte) => byte === 0)) throw corrupt();
    ourPublic ??= x25519(secret, X25519_BASE);
    const wrapKey = hkdfSha256(shared, Buffer.concat([share, ourPublic]), X25519_INFO);
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
  const key = hkdfSha256(fileKey, payload.subarray(0, NONCE_SIZE), 'payload');
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

/** The 32 secret bytes of an identity. */
function secretKeyOf(identity: string): Uint8Array {
  const decoded = bech32Decode(identity);
  if (decoded === undefined || decoded.hrp !== IDENTITY_HRP || decoded.bytes.length !== 32) {
    decoded?.bytes.fill(0);
    throw new DevsecretsError('IDENTITY_MISSING', 'identity is not a valid age X25519 secret key (AGE-SECRET-KEY-1…)', {
      hint: 'check DEVSECRETS_IDENTITY_FILE or the OS keychain entry',
    });
  }
  return decoded.bytes;
}

/** The 32 public bytes of a recipient; undefined when it is not a valid X25519 recipient. */
function recipientBytes(recipient: string): Uint8Array | undefined {
  const decoded = bech32Decode(recipient);
  return decoded !== undefined && decoded.hrp === RECIPIENT_HRP && decoded.bytes.length === 32 ? decoded.bytes : undefined;
}

function deriveRecipient(identity: string): string {
  const secret = secretKeyOf(identity);
  try {
    return bech32Encode(RECIPIENT_HRP, x25519(secret, X25519_BASE));
  } finally {
    secret.fill(0);
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

// Bech32 (BIP 173) without the 90-character limit, which age does not apply.
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit += 1) if ((top >>> bit) & 1) checksum ^= BECH32_GENERATORS[bit]!;
  }
  return checksum >>> 0;
}

function bech32HrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((char) => char.charCodeAt(0));
  return [...codes.map((code) => code >>> 5), 0, ...codes.map((code) => code & 31)];
}

/** Decodes a bech32 string; undefined when malformed, mixed-case or the checksum fails. */
function bech32Decode(text: string): { hrp: string; bytes: Buffer } | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return undefined;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || lower.length - separator - 1 < 6) return undefined;
  const hrp = lower.slice(0, separator);
  if (![...hrp].every((char) => char >= '!' && char <= '~')) return undefined;
  const words: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const word = BECH32_CHARSET.indexOf(char);
    if (word < 0) return undefined;
    words.push(word);
  }
  if (bech32Polymod([...bech32HrpExpand(hrp), ...words]) !== 1) return undefined;

  const bytes: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const word of words.slice(0, -6)) {
    accumulator = ((accumulator << 5) | word) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((accumulator >>> bits) & 0xff);
    }
  }
  // Padding must be shorter than one 5-bit group and all zero.
  if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0) return undefined;
  return { hrp, bytes: Buffer.from(bytes) };
}

function bech32Encode(hrp: string, bytes: Uint8Array): string {
  const words: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const byte of bytes) {
    accumulator = ((accumulator << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((accumulator >>> bits) & 31);
    }
  }
  if (bits > 0) words.push((accumulator << (5 - bits)) & 31);
  const polymod = bech32Polymod([...bech32HrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((index) => (polymod >>> (5 * (5 - index))) & 31);
  return `${hrp}1${[...words, ...checksum].map((word) => BECH32_CHARSET[word]).join('')}`;
}
