/**
 * The plaintext inside `.devsecrets/store.age`: a versioned JSON document, authenticated
 * to the identity. It only ever exists in memory; adapters encrypt it before it reaches disk.
 *
 * age authenticates a file to its file key, not to a sender: anyone holding only the
 * public recipient can write a store that decrypts. So the document carries, after its
 * JSON fields, one HMAC-SHA256 per identity it is encrypted to, under a key only that
 * identity yields (see `deriveIdentityKey`), over the exact bytes of everything before:
 * `{…fields…,"macs":["<hex>"]}`. A store someone else wrote, or one edited by hand with
 * `age`, has no MAC that verifies.
 */
import { hmacSha256Hex, sameHex } from './digest.js';
import { DevsecretsError } from './errors.js';

/** The document format this version writes. */
export const STORE_FORMAT = 2;

/**
 * The format written before documents were authenticated. Still read (see
 * {@link openStoreDocument}), never written: the next save turns it into today's format.
 */
const UNAUTHENTICATED_FORMAT = 1;

declare const DEVSECRETS_CHECKS_REVISION: string | undefined;

/**
 * Names the checks a stamp vouches for (manifest checks, validators, insecure rules): the
 * build sets it to a hash of their bundled code, so any change to them, ours or a
 * dependency's, makes earlier stamps stop counting. Code run from source (unit tests)
 * gets a fixed name.
 */
export const CHECKS_REVISION = typeof DEVSECRETS_CHECKS_REVISION === 'string' ? DEVSECRETS_CHECKS_REVISION : 'source';

export type Origin = 'generated' | 'set' | 'imported';

export interface StoredVar {
  value: string;
  origin: Origin;
  updatedAt: string;
  /** Present on generated values: proves the value is a devsecrets fake (see `verifyFake`). */
  tag?: string;
}

export interface StoreDocument {
  format: typeof STORE_FORMAT;
  storeId: string;
  /** hex; the per-store secret that fakes are derived from. */
  seed: string;
  /** hex; the per-store secret that signs audit log entries. Unlike the seed, rotation keeps it. */
  auditKey: string;
  manifest: { version: number; digest: string };
  createdAt: string;
  expiresAt: string;
  /**
   * Raised by one on every save: a store older than the last one written here (a rollback
   * to an earlier copy) has a lower number than devsecrets recorded. 0 in stores written
   * before there was one.
   */
  generation: number;
  vars: Record<string, StoredVar>;
  /**
   * Set when the document was last written: every manifest variable had a value, and all of
   * them passed every check of `run` against the manifest whose bytes hash to
   * `manifestSha256`. A run on the same manifest bytes can then skip re-checking. The
   * document's MACs vouch for it like for every other field.
   */
  checked?: CheckStamp;
}

export interface CheckStamp {
  manifestSha256: string;
  /** The {@link CHECKS_REVISION} the checks were made under. */
  revision: string;
}

/** A decrypted document, and whether it proves who wrote it. */
export interface OpenedDocument {
  document: StoreDocument;
  /**
   * One of the document's MACs verifies under the key given: the holder of that identity
   * wrote it. False for a store written by anyone else, edited by hand, or written in the
   * unauthenticated format of earlier versions.
   */
  authenticated: boolean;
  /** The document was in the unauthenticated format of earlier versions (see {@link STORE_FORMAT}). */
  legacy: boolean;
}

const MACS_FIELD = ',"macs":[';
/** One MAC in the list: 64 hex digits in quotes. */
const MAC_ENTRY_LENGTH = 66;

/**
 * The bytes to encrypt: the document's JSON with one MAC per key (one per identity the
 * store is encrypted to).
 */
export function sealStoreDocument(document: StoreDocument, keys: readonly Uint8Array[]): Uint8Array {
  const unsigned = JSON.stringify(document);
  const macs = keys.map((key) => `"${hmacSha256Hex(key, unsigned)}"`);
  return Buffer.from(`${unsigned.slice(0, -1)}${MACS_FIELD}${macs.join(',')}]}`, 'utf8');
}

/** Whether the stamp covers this manifest text under today's checks. */
export function stampCovers(document: StoreDocument, manifestSha256: string): boolean {
  return document.checked?.manifestSha256 === manifestSha256 && document.checked.revision === CHECKS_REVISION;
}

const ORIGINS: readonly Origin[] = ['generated', 'set', 'imported'];

/** The document's seed as bytes. */
export function seedOf(document: StoreDocument): Uint8Array {
  return Buffer.from(document.seed, 'hex');
}

/** Plain name → value map of the stored variables. */
export function valuesOf(document: StoreDocument): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, stored] of Object.entries(document.vars)) values[name] = stored.value;
  return values;
}

/**
 * Parses decrypted bytes and checks their MACs against `key` (the identity's document key).
 * Authenticated decryption already passed, so a document that does not parse was written
 * by something else or a newer format. A document of the earlier, unauthenticated format
 * is returned as today's (generation 0, no stamp) with `legacy` set.
 * @throws DevsecretsError `STORE_UNREADABLE` (exit 4).
 */
export function openStoreDocument(bytes: Uint8Array, key: Uint8Array): OpenedDocument {
  const text = Buffer.from(bytes).toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw unreadable('its content is not a devsecrets store document');
  }
  if (!isRecord(data)) throw unreadable('its content is not a devsecrets store document');
  const legacy = data.format === UNAUTHENTICATED_FORMAT;
  if (data.format !== STORE_FORMAT && !legacy) {
    throw unreadable(`it has format ${String(data.format)}, this devsecrets reads format ${STORE_FORMAT}`);
  }
  const manifest = data.manifest;
  const fieldsOk =
    typeof data.storeId === 'string' &&
    typeof data.seed === 'string' && /^[0-9a-f]{32,}$/.test(data.seed) &&
    typeof data.auditKey === 'string' && /^[0-9a-f]{64}$/.test(data.auditKey) &&
    typeof data.createdAt === 'string' &&
    typeof data.expiresAt === 'string' &&
    (legacy || (Number.isSafeInteger(data.generation) && (data.generation as number) >= 0)) &&
    isRecord(manifest) && typeof manifest.version === 'number' && typeof manifest.digest === 'string' &&
    isRecord(data.vars) && Object.values(data.vars).every(isStoredVar);
  if (!fieldsOk) throw unreadable('a required field is missing or malformed');
  const authenticated = !legacy && macVerifies(text, key);
  delete data.macs;
  if (legacy) {
    // Its stamp was made under other checks, and it counts as the first generation.
    delete data.checked;
    data.format = STORE_FORMAT;
    data.generation = 0;
  }
  const stamp = data.checked;
  // The stamp only saves work: one that is not well-formed is dropped, and the values are checked in full.
  if (!(isRecord(stamp) && typeof stamp.manifestSha256 === 'string' && typeof stamp.revision === 'string')) delete data.checked;
  return { document: data as unknown as StoreDocument, authenticated, legacy };
}

/**
 * Whether `text` ends exactly in the MAC list {@link sealStoreDocument} writes, one of whose
 * MACs is that of everything before it under `key`. Nothing may follow the list: JSON keeps
 * the last of two equal keys, so trailing fields could override authenticated ones.
 */
function macVerifies(text: string, key: Uint8Array): boolean {
  const at = text.lastIndexOf(MACS_FIELD);
  if (at < 0) return false;
  const expected = hmacSha256Hex(key, `${text.slice(0, at)}}`);
  let verified = false;
  for (let pos = at + MACS_FIELD.length; ; pos += MAC_ENTRY_LENGTH + 1) {
    const entry = text.slice(pos, pos + MAC_ENTRY_LENGTH);
    if (entry.length !== MAC_ENTRY_LENGTH || !entry.startsWith('"') || !entry.endsWith('"')) return false;
    // Every listed MAC is compared, so the time taken does not say which one matched.
    if (sameHex(entry.slice(1, -1), expected)) verified = true;
    const next = text.slice(pos + MAC_ENTRY_LENGTH);
    if (next === ']}') return verified;
    if (!next.startsWith(',')) return false;
  }
}

function isStoredVar(value: unknown): value is StoredVar {
  return (
    isRecord(value) &&
    typeof value.value === 'string' &&
    ORIGINS.includes(value.origin as Origin) &&
    typeof value.updatedAt === 'string' &&
    (value.tag === undefined || typeof value.tag === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unreadable(why: string): DevsecretsError {
  return new DevsecretsError('STORE_UNREADABLE', `store decrypted but cannot be read: ${why}`, {
    hint: 'upgrade devsecrets, or recreate the store with devsecrets init --force',
  });
}

/** The refusal for an expired store (`run`'s `--allow-expired` overrides it), or undefined. */
export function expiryError(document: StoreDocument, now: Date): DevsecretsError | undefined {
  if (Date.parse(document.expiresAt) > now.getTime()) return undefined;
  return new DevsecretsError('STORE_EXPIRED', `the store expired on ${document.expiresAt}`, {
    hint: 'devsecrets rotate gives it fresh fakes and a new expiry (run --allow-expired runs once anyway)',
  });
}

/** The refusal for a store last synced with an older manifest version, or undefined. */
export function versionDriftError(document: StoreDocument, manifestVersion: number): DevsecretsError | undefined {
  if (document.manifest.version >= manifestVersion) return undefined;
  return new DevsecretsError(
    'DRIFT_MANIFEST_VERSION',
    `the store was synced with manifest version ${document.manifest.version}; the manifest is now version ${manifestVersion}`,
    { hint: 'devsecrets sync brings the store in line with the manifest' },
  );
}

/** Time left before expiry, for people, in its two largest units: `29d 23h`, `5h 2m`, `12m`, `<1m`, or `expired`. */
export function timeLeft(document: StoreDocument, now: Date): string {
  const ms = Date.parse(document.expiresAt) - now.getTime();
  if (ms <= 0) return 'expired';
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]];
  const index = units.findIndex(([, size]) => ms >= size);
  if (index === -1) return '<1m';
  const [unit, size] = units[index]!;
  const next = units[index + 1];
  const rest = next === undefined ? 0 : Math.floor((ms % size) / next[1]);
  return `${Math.floor(ms / size)}${unit}${rest > 0 ? ` ${rest}${next![0]}` : ''}`;
}
