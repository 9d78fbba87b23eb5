/**
 * The store as a whole: metadata, identity, ciphertext, document and generation record
 * together. Opening decrypts in memory only and accepts only a document that proves it was
 * written with the identity, and is not older than the last one written here; saving
 * stamps, authenticates and encrypts the document, then replaces the file atomically under
 * the store lock. This is the one place that composes the storage adapters with the core's
 * document rules, for the CLI and the library API alike.
 */
import { DevsecretsError } from '../core/errors.js';
import type { Manifest } from '../core/manifest-model.js';
import { openStoreDocument, sealStoreDocument, type OpenedDocument, type StoreDocument } from '../core/store-document.js';
import { decrypt, deriveIdentityKey, encrypt, recipientOf } from './age-cipher.js';
import { loadIdentity } from './identity.js';
import { readStoreFile, readStoreMeta, storePaths, withStoreLock, writeStoreMeta, type StoreMeta } from './store-files.js';
import { recordedGeneration, recordGeneration } from './store-generation.js';
import { writeFileAtomic } from './fs-safe.js';
import { appendAudit } from './audit-log.js';
import { failpoint } from './failpoint.js';
import type { AuditEvent } from '../core/audit.js';

/**
 * How far an opened store can be trusted. `authenticated`: written with this identity and
 * not older than the last store written here. The others are only ever returned to
 * `sync --adopt` (see {@link OpenStoreOptions}): `unauthenticated`, the document proves
 * nothing about its writer (replaced, written with `age -r`, or by an older devsecrets);
 * `rolled-back`, an authenticated document older than the last one written here.
 */
export type StoreTrust = 'authenticated' | 'unauthenticated' | 'rolled-back';

export interface OpenedStore {
  meta: StoreMeta;
  document: StoreDocument;
  trust: StoreTrust;
}

export interface OpenStoreOptions {
  /**
   * Return a store that is not `authenticated` instead of refusing it, so the person can
   * look at it and adopt it (`sync --adopt`). Nothing else may set this.
   */
  adopt?: boolean;
}

/**
 * Reads, decrypts and parses the store of the project at `root`.
 * @throws DevsecretsError `STORE_MISSING`, `STORE_UNREADABLE`, `STORE_UNAUTHENTICATED`, `STORE_ROLLED_BACK`,
 *   `IDENTITY_MISSING`, `IDENTITY_MISMATCH`, `KEYCHAIN_UNAVAILABLE` or `FILE_PERMISSIONS` (all exit 4).
 *   Nothing is ever returned from a store that did not decrypt, and, without `adopt`, from
 *   one that does not prove who wrote it.
 */
export async function openStore(root: string, env: NodeJS.ProcessEnv, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const { identity: _identity, ...opened } = await openWithIdentity(root, env, options);
  return opened;
}

/** `openStore`, also handing back the identity that opened it (for writers, which encrypt to it). */
export async function openWithIdentity(root: string, env: NodeJS.ProcessEnv, options: OpenStoreOptions = {}): Promise<OpenedStore & { identity: string }> {
  const ciphertext = await readStoreFile(root);
  const meta = await readStoreMeta(root);
  const identity = await loadIdentity(meta.storeId, meta.identity, env);
  return { ...openCiphertext(ciphertext, root, meta, identity, env, options), identity };
}

/**
 * Opens the store file at `root` with `identity` rather than the one its metadata names
 * (`rotate --identity` reading back with the new one), under the same rules as {@link openStore}.
 */
export async function openStoreAs(root: string, meta: StoreMeta, identity: string, env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  return openCiphertext(await readStoreFile(root), root, meta, identity, env, {});
}

function openCiphertext(ciphertext: Uint8Array, root: string, meta: StoreMeta, identity: string, env: NodeJS.ProcessEnv, options: OpenStoreOptions): OpenedStore {
  const { plaintext, sealedByIdentity } = decrypt(ciphertext, identity, meta.recipient);
  const key = documentKey(identity, meta.storeId);
  let opened: OpenedDocument;
  try {
    opened = openStoreDocument(plaintext, key);
  } finally {
    key.fill(0);
    plaintext.fill(0);
  }
  const { document, authenticated, legacy } = opened;
  if (document.storeId !== meta.storeId) {
    throw new DevsecretsError('STORE_UNREADABLE', 'store and its metadata belong to different stores', {
      hint: 'restore .devsecrets/ from one piece, or start over with devsecrets init --force',
    });
  }
  // A store of the earlier format proves its writer by the identity-key stanza it was sealed with.
  const proven = authenticated || (legacy && sealedByIdentity);
  const recorded = proven ? recordedGeneration(env, meta.storeId, root) : undefined;
  const trust: StoreTrust = !proven ? 'unauthenticated' : recorded !== undefined && document.generation < recorded ? 'rolled-back' : 'authenticated';
  if (trust !== 'authenticated' && options.adopt !== true) throw untrusted(trust, document.generation, recorded);
  return { meta, document, trust };
}

function untrusted(trust: StoreTrust, generation: number, recorded: number | undefined): DevsecretsError {
  if (trust === 'rolled-back') {
    return new DevsecretsError(
      'STORE_ROLLED_BACK',
      `store is an older copy (generation ${generation}) than the last one devsecrets wrote here (generation ${recorded})`,
      { hint: 'put the newest .devsecrets/store.age back; if this older copy is the one you want, devsecrets sync --adopt shows what it holds and accepts it' },
    );
  }
  return new DevsecretsError('STORE_UNAUTHENTICATED', 'store does not prove it was written with this identity: it was replaced, or written outside devsecrets (age -r) or by an older devsecrets', {
    hint: 'if you wrote it yourself, devsecrets sync --adopt shows what it holds and accepts it; otherwise restore .devsecrets/store.age from a backup, or start over with devsecrets init --force',
  });
}

/**
 * The key of a store's document MACs: derived from its identity, so no one else can make one.
 * Whoever holds it can forge an authenticated store, so callers zero it once used, as age-cipher does the identity's secret bytes.
 */
function documentKey(identity: string, storeId: string): Buffer {
  return deriveIdentityKey(identity, storeId, 'devsecrets/v2 store document');
}

/**
 * Stamps `document` against `manifest` (see `stampDocument`), raises its generation past
 * both its own and the one recorded here, authenticates it to each of `identities`,
 * encrypts it to their recipients (plain age) and replaces the store file atomically, then
 * records the generation. The caller holds the lock. `identities` is the identity in place,
 * or during `rotate --identity` the old and the new one.
 */
export async function saveStore(manifest: Manifest, document: StoreDocument, identities: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { stampDocument } = await import('../core/store-stamp.js');
  stampDocument(document, manifest);
  document.generation = Math.max(document.generation, recordedGeneration(env, document.storeId, manifest.root) ?? 0) + 1;
  const keys = identities.map((identity) => documentKey(identity, document.storeId));
  const sealed = sealStoreDocument(document, keys);
  for (const key of keys) key.fill(0);
  const ciphertext = await encrypt(sealed, identities.map(recipientOf));
  sealed.fill(0);
  await writeFileAtomic(storePaths(manifest.root).store, ciphertext, 0o600);
  failpoint('save:store-written');
  await recordGeneration(env, document.storeId, manifest.root, document.generation);
}

/** What a change to the store returns: its result, and the audit entry it makes. */
export interface StoreChange<T> {
  result: T;
  audit: AuditEvent;
}

/**
 * Opens the store under the lock, lets `change` edit the document, saves it and records
 * the change in the audit log. Concurrent writers are serialised, so no write is lost.
 * With `adopt`, a store that is not authenticated is handed to `change` too (its `trust`
 * says so), and saving it makes it authenticated.
 */
export async function updateStore<T>(
  manifest: Manifest,
  env: NodeJS.ProcessEnv,
  change: (opened: OpenedStore) => StoreChange<T> | Promise<StoreChange<T>>,
  options: OpenStoreOptions = {},
): Promise<T> {
  return withStoreLock(manifest.root, async () => {
    const { identity, ...opened } = await openWithIdentity(manifest.root, env, options);
    // Encrypt to the identity that opened the store, not blindly to the metadata's recipient:
    // after a crash in identity rotation the two may differ, and the identity in place wins.
    const recipient = recipientOf(identity);
    if (recipient !== opened.meta.recipient) {
      opened.meta = { ...opened.meta, recipient };
      await writeStoreMeta(manifest.root, opened.meta);
    }
    const { result, audit } = await change(opened);
    await saveStore(manifest, opened.document, [identity], env);
    await recordAccess(manifest.root, opened.document, audit);
    return result;
  });
}

/** Appends an audit entry signed with the store's audit key. */
export async function recordAccess(root: string, document: StoreDocument, event: AuditEvent): Promise<void> {
  await appendAudit(root, event, { store: document.storeId, key: document.auditKey });
}
