/**
 * The plaintext inside `.devsecrets/store.age`: a versioned JSON document. It only ever
 * exists in memory; adapters encrypt it before it reaches disk.
 */
import { equalBytes, hmacSha256 } from './primitives.js';
import { DevsecretsError } from './errors.js';

export const STORE_FORMAT = 1;

/**
 * Raised whenever the checks `run` relies on change meaning (validators, insecure rules,
 * env building), so stamps made under the old checks stop counting.
 */
export const CHECKS_REVISION = 3;

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
  vars: Record<string, StoredVar>;
  /**
   * Set when the document was last written: every manifest variable had a value, and all of
   * them passed every check of `run` against the manifest whose bytes hash to
   * `manifestSha256`. A run on the same manifest bytes can then skip re-checking.
   */
  checked?: CheckStamp;
}

export interface CheckStamp {
  manifestSha256: string;
  revision: number;
  /**
   * hex HMAC-SHA256 of the revision, the manifest hash and every stored value, under a key
   * only the store's identity yields (see {@link stampMac}): a document edited by hand with
   * `age`, or written by anyone without the identity, carries no valid stamp.
   */
  mac: string;
}

/** The MAC a stamp of `document` against the manifest text hashing to `manifestSha256` carries. */
export function stampMac(document: StoreDocument, manifestSha256: string, key: Uint8Array): string {
  const values = Object.keys(document.vars).sort().map((name) => [name, document.vars[name]!.value]);
  return Buffer.from(hmacSha256(key, JSON.stringify([CHECKS_REVISION, manifestSha256, values]))).toString('hex');
}

/**
 * Whether the document's stamp covers exactly its values and this manifest text under
 * today's checks, as made with `key`.
 */
export function stampCovers(document: StoreDocument, manifestSha256: string, key: Uint8Array): boolean {
  const stamp = document.checked;
  if (stamp?.manifestSha256 !== manifestSha256 || stamp.revision !== CHECKS_REVISION) return false;
  const expected = Buffer.from(stampMac(document, manifestSha256, key), 'hex');
  const actual = Buffer.from(stamp.mac, 'hex');
  return equalBytes(actual, expected);
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

export function serializeStoreDocument(document: StoreDocument): Uint8Array {
  return Buffer.from(JSON.stringify(document), 'utf8');
}

/**
 * Parses decrypted bytes. Authenticated decryption already passed, so a document that
 * does not parse was written by something else or a newer format.
 * @throws DevsecretsError `STORE_UNREADABLE` (exit 4).
 */
export function parseStoreDocument(bytes: Uint8Array): StoreDocument {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw unreadable('its content is not a devsecrets store document');
  }
  if (!isRecord(data)) throw unreadable('its content is not a devsecrets store document');
  if (data.format !== STORE_FORMAT) {
    throw unreadable(`it has format ${String(data.format)}, this devsecrets reads format ${STORE_FORMAT}`);
  }
  const manifest = data.manifest;
  const fieldsOk =
    typeof data.storeId === 'string' &&
    typeof data.seed === 'string' && /^[0-9a-f]{32,}$/.test(data.seed) &&
    typeof data.auditKey === 'string' && /^[0-9a-f]{64}$/.test(data.auditKey) &&
    typeof data.createdAt === 'string' &&
    typeof data.expiresAt === 'string' &&
    isRecord(manifest) && typeof manifest.version === 'number' && typeof manifest.digest === 'string' &&
    isRecord(data.vars) && Object.values(data.vars).every(isStoredVar);
  if (!fieldsOk) throw unreadable('a required field is missing or malformed');
  // The stamp only saves work: one that is not well-formed (an older devsecrets' or a hand
  // edit) is dropped, and the values are checked in full.
  const stamp = data.checked;
  if (!(isRecord(stamp) && typeof stamp.manifestSha256 === 'string' && typeof stamp.revision === 'number' && typeof stamp.mac === 'string')) delete data.checked;
  return data as unknown as StoreDocument;
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
