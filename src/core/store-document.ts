/**
 * The plaintext inside `.devsecrets/store.age`: a versioned JSON document. It only ever
 * exists in memory; adapters encrypt it before it reaches disk.
 */
import { DevsecretsError } from './errors.js';
import type { Manifest } from './manifest.js';
import type { VarSpec } from './manifest-schema.js';
import { fakeTag, generateFake } from './types/index.js';

export const STORE_FORMAT = 1;

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
  manifest: { version: number; digest: string };
  createdAt: string;
  expiresAt: string;
  vars: Record<string, StoredVar>;
}

const ORIGINS: readonly Origin[] = ['generated', 'set', 'imported'];

/**
 * Builds a new document holding a fake for every manifest variable.
 * @throws DevsecretsError `FAKE_UNAVAILABLE` when a variable's fake cannot be generated.
 */
export function createStoreDocument(manifest: Manifest, storeId: string, seed: Uint8Array, now: Date): StoreDocument {
  const document: StoreDocument = {
    format: STORE_FORMAT,
    storeId,
    seed: Buffer.from(seed).toString('hex'),
    manifest: { version: manifest.version, digest: manifest.digest },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + manifest.ttlMs).toISOString(),
    vars: {},
  };
  for (const [name, spec] of Object.entries(manifest.vars)) {
    document.vars[name] = generatedVar(name, spec, seed, now);
  }
  return document;
}

/** A freshly generated fake for one variable, tagged so `doctor` can verify it later. */
export function generatedVar(name: string, spec: VarSpec, seed: Uint8Array, now: Date): StoredVar {
  const value = generateFake(name, spec, seed);
  return { value, origin: 'generated', updatedAt: now.toISOString(), tag: fakeTag(name, value, seed) };
}

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
    typeof data.createdAt === 'string' &&
    typeof data.expiresAt === 'string' &&
    isRecord(manifest) && typeof manifest.version === 'number' && typeof manifest.digest === 'string' &&
    isRecord(data.vars) && Object.values(data.vars).every(isStoredVar);
  if (!fieldsOk) throw unreadable('a required field is missing or malformed');
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
