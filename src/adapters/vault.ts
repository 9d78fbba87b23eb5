/**
 * The store as a whole: metadata, identity, ciphertext and document together. Opening
 * decrypts in memory only; saving encrypts, then replaces the file atomically under the
 * store lock. This is the one place that composes the storage adapters with the core's
 * document rules, for the CLI and the library API alike.
 */
import { DevsecretsError } from '../core/errors.js';
import type { Manifest } from '../core/manifest-model.js';
import { parseStoreDocument, serializeStoreDocument, stampCovers, type StoreDocument } from '../core/store-document.js';
import { decrypt, encrypt, recipientOf } from './age-cipher.js';
import { loadIdentity } from './identity.js';
import { readStoreFile, readStoreMeta, storePaths, withStoreLock, writeStoreMeta, type StoreMeta } from './store-files.js';
import { writeFileAtomic } from './fs-safe.js';
import { appendAudit } from './audit-log.js';
import type { AuditEvent } from '../core/audit.js';
import { hkdfSha256, preparePrimitives } from '../core/primitives.js';

export interface OpenedStore {
  meta: StoreMeta;
  document: StoreDocument;
  /**
   * Whether the document carries a valid check stamp (see `CheckStamp`) for the manifest
   * text hashing to `manifestSha256`: its values then passed every check `run` makes.
   */
  stampCovers(manifestSha256: string): boolean;
}

/**
 * Reads, decrypts and parses the store of the project at `root`.
 * @throws DevsecretsError `STORE_MISSING`, `STORE_UNREADABLE`, `IDENTITY_MISSING`, `IDENTITY_MISMATCH`,
 *   `KEYCHAIN_UNAVAILABLE` or `FILE_PERMISSIONS` (all exit 4). Nothing is ever returned from a store that did not authenticate.
 */
export async function openStore(root: string, env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const { identity: _identity, ...opened } = await openWithIdentity(root, env);
  return opened;
}

/** `openStore`, also handing back the identity that opened it (for writers, which encrypt to it). */
export async function openWithIdentity(root: string, env: NodeJS.ProcessEnv): Promise<OpenedStore & { identity: string }> {
  const ciphertext = await readStoreFile(root);
  const meta = await readStoreMeta(root);
  const identity = await loadIdentity(meta.storeId, meta.identity, env);
  await preparePrimitives();
  const document = parseStoreDocument(decrypt(ciphertext, identity));
  if (document.storeId !== meta.storeId) {
    throw new DevsecretsError('STORE_UNREADABLE', 'store and its metadata belong to different stores', {
      hint: 'restore .devsecrets/ from one piece, or start over with devsecrets init --force',
    });
  }
  return { meta, document, identity, stampCovers: (manifestSha256) => stampCovers(document, manifestSha256, stampKey(identity, meta.storeId)) };
}

/** The key of a store's check stamps: derived from its identity, so no one else can make one. */
function stampKey(identity: string, storeId: string): Uint8Array {
  return hkdfSha256(identity, storeId, 'devsecrets check stamp');
}

/**
 * Stamps `document` against `manifest` (see `stampDocument`) with the key of `identity`,
 * encrypts it to the store's recipient and replaces the store file atomically. The caller
 * holds the lock.
 */
export async function saveStore(manifest: Manifest, meta: StoreMeta, document: StoreDocument, identity: string): Promise<void> {
  const { stampDocument } = await import('../core/store-stamp.js');
  stampDocument(document, manifest, stampKey(identity, meta.storeId));
  const ciphertext = await encrypt(serializeStoreDocument(document), meta.recipient, [identity]);
  await writeFileAtomic(storePaths(manifest.root).store, ciphertext, 0o600);
}

/** What a change to the store returns: its result, and the audit entry it makes. */
export interface StoreChange<T> {
  result: T;
  audit: AuditEvent;
}

/**
 * Opens the store under the lock, lets `change` edit the document, saves it and records
 * the change in the audit log. Concurrent writers are serialised, so no write is lost.
 */
export async function updateStore<T>(
  manifest: Manifest,
  env: NodeJS.ProcessEnv,
  change: (opened: OpenedStore) => StoreChange<T> | Promise<StoreChange<T>>,
): Promise<T> {
  return withStoreLock(manifest.root, async () => {
    const { identity, ...opened } = await openWithIdentity(manifest.root, env);
    // Encrypt to the identity that opened the store, not blindly to the metadata's recipient:
    // after a crash in identity rotation the two may differ, and the identity in place wins.
    const recipient = await recipientOf(identity);
    if (recipient !== opened.meta.recipient) {
      opened.meta = { ...opened.meta, recipient };
      await writeStoreMeta(manifest.root, opened.meta);
    }
    const { result, audit } = await change(opened);
    await saveStore(manifest, opened.meta, opened.document, identity);
    await recordAccess(manifest.root, opened.document, audit);
    return result;
  });
}

/** Appends an audit entry signed with the store's audit key. */
export async function recordAccess(root: string, document: StoreDocument, event: AuditEvent): Promise<void> {
  await appendAudit(root, event, { store: document.storeId, key: document.auditKey });
}
