/**
 * The store as a whole: metadata, identity, ciphertext and document together. Opening
 * decrypts in memory only; saving encrypts, then replaces the file atomically under the
 * store lock. This is the one place that composes the storage adapters with the core's
 * document rules, for the CLI and the library API alike.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { DevsecretsError } from '../core/errors.js';
import type { Manifest } from '../core/manifest-model.js';
import { STORE_FORMAT, parseStoreDocument, serializeStoreDocument, type StoreDocument } from '../core/store-document.js';
import { decrypt, encrypt, generateKeyPair, recipientOf } from './age-cipher.js';
import {
  existingExplicitIdentity, identityExists, loadIdentity, removeIdentity, removePendingIdentity, storeIdentity, writeIdentitySlot,
  type IdentityLocation, type StoredIdentity,
} from './identity.js';
import { failpoint } from './failpoint.js';
import {
  ensureStoreDir, readStoreFile, readStoreMeta, storePaths, withStoreLock, writeStoreMeta, type StoreMeta,
} from './store-files.js';
import { fallbackIdentityPath } from './identity-file.js';
import { writeFileAtomic } from './fs-safe.js';
import { appendAudit } from './audit-log.js';
import type { AuditEvent } from '../core/audit.js';

export interface OpenedStore {
  meta: StoreMeta;
  document: StoreDocument;
}

/**
 * Reads, decrypts and parses the store of the project at `root`.
 * @throws DevsecretsError `STORE_MISSING`, `STORE_UNREADABLE`, `IDENTITY_MISSING`, `IDENTITY_MISMATCH`,
 *   `KEYCHAIN_UNAVAILABLE` or `FILE_PERMISSIONS` (all exit 4). Nothing is ever returned from a store that did not authenticate.
 */
export async function openStore(root: string, env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const { meta, document } = await openWithIdentity(root, env);
  return { meta, document };
}

async function openWithIdentity(root: string, env: NodeJS.ProcessEnv): Promise<OpenedStore & { identity: string }> {
  const ciphertext = await readStoreFile(root);
  const meta = await readStoreMeta(root);
  const identity = await loadIdentity(meta.storeId, meta.identity, env);
  const document = parseStoreDocument(decrypt(ciphertext, identity));
  if (document.storeId !== meta.storeId) {
    throw new DevsecretsError('STORE_UNREADABLE', 'store and its metadata belong to different stores', {
      hint: 'restore .devsecrets/ from one piece, or start over with devsecrets init --force',
    });
  }
  return { meta, document, identity };
}

/**
 * Stamps `document` against `manifest` (see `stampDocument`), encrypts it to the store's
 * recipient and replaces the store file atomically. The caller holds the lock.
 */
export async function saveStore(manifest: Manifest, meta: StoreMeta, document: StoreDocument): Promise<void> {
  const { stampDocument } = await import('../core/store-stamp.js');
  stampDocument(document, manifest);
  const ciphertext = await encrypt(serializeStoreDocument(document), meta.recipient);
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
    await saveStore(manifest, opened.meta, opened.document);
    await recordAccess(manifest.root, opened.document, audit);
    return result;
  });
}

/** Appends an audit entry signed with the store's audit key. */
export async function recordAccess(root: string, document: StoreDocument, event: AuditEvent): Promise<void> {
  await appendAudit(root, event, { store: document.storeId, key: document.auditKey });
}

/** Whether the project at `root` has a store file (it may still fail to open). */
export function storeExists(root: string): boolean {
  return existsSync(storePaths(root).store);
}

export interface CreateStoreOptions {
  /** Seed for the fakes; random when absent. */
  seed?: Uint8Array;
  /** Replace an existing store. */
  force?: boolean;
}

/**
 * `kept`: a healthy store exists and `force` was not given. `repaired`: an interrupted
 * earlier init (identity and metadata, no store) was finished instead of starting over.
 */
export type CreatedStore =
  | { status: 'kept' }
  | { status: 'created' | 'repaired'; meta: StoreMeta; document: StoreDocument; identity: StoredIdentity };

/**
 * Creates the store of `manifest`'s project, seeded with fakes. The identity is stored
 * first, then the metadata that says where it is, then the store: a crash between any two
 * steps leaves something the next `init` repairs, never a store nobody can open.
 * @throws DevsecretsError `STORE_EXISTS` when, without `force`, an existing store's identity or
 *   metadata is missing (explained, never overwritten).
 */
export async function createStore(manifest: Manifest, env: NodeJS.ProcessEnv, options: CreateStoreOptions): Promise<CreatedStore> {
  const root = manifest.root;
  await ensureStoreDir(root);
  return withStoreLock(root, async () => {
    const paths = storePaths(root);
    const previous = existsSync(paths.meta) ? await readStoreMeta(root) : undefined;
    const hasStore = existsSync(paths.store);
    const hasIdentity = previous !== undefined && (await identityExists(previous.storeId, previous.identity, env));
    if (hasStore && !options.force) {
      if (previous !== undefined && hasIdentity) {
        // "Kept" must mean usable: a store that does not open is reported, not praised.
        try {
          await openStore(root, env);
        } catch (error) {
          if (!(error instanceof DevsecretsError)) throw error;
          throw new DevsecretsError(error.code, error.message, { hint: 'devsecrets init --force starts over (values you set are lost)', cause: error });
        }
        return { status: 'kept' };
      }
      throw explainBrokenStore(previous);
    }

    const { createStoreDocument } = await import('../core/seed-store.js');
    const now = new Date();
    const seed = options.seed ?? randomBytes(32);
    if (!hasStore && previous !== undefined && hasIdentity) {
      const document = createStoreDocument(manifest, previous.storeId, seed, now);
      await saveStore(manifest, previous, document);
      return { status: 'repaired', meta: previous, document, identity: { location: previous.identity } };
    }

    const storeId = randomUUID();
    const explicit = existingExplicitIdentity(env);
    let identity: StoredIdentity;
    let recipient: string;
    if (explicit !== undefined) {
      recipient = await recipientOf(await loadIdentity(storeId, 'file', env));
      identity = { location: 'file', path: explicit };
    } else {
      const pair = await generateKeyPair();
      recipient = pair.recipient;
      identity = await storeIdentity(storeId, pair, env);
    }
    const meta: StoreMeta = { format: STORE_FORMAT, storeId, recipient, createdAt: now.toISOString(), identity: identity.location };
    await writeStoreMeta(root, meta);
    const document = createStoreDocument(manifest, storeId, seed, now);
    await saveStore(manifest, meta, document);
    // Only once the new store is on disk is the old identity expendable (safety invariant 6).
    if (previous !== undefined && hasIdentity && existingExplicitIdentity(env) === undefined) {
      await removeIdentity(previous.storeId, previous.identity, env);
    }
    return { status: 'created', meta, document, identity };
  });
}

function explainBrokenStore(previous: StoreMeta | undefined): DevsecretsError {
  if (previous === undefined) {
    return new DevsecretsError('STORE_EXISTS', 'a store exists but its metadata (.devsecrets/store.json) is missing, so its identity cannot be found', {
      hint: 'restore .devsecrets/store.json, or start over with devsecrets init --force (values you set are lost)',
    });
  }
  const where = previous.identity === 'keychain' ? 'in the OS keychain' : 'in its identity file';
  return new DevsecretsError('STORE_EXISTS', `a store exists but its identity is missing ${where}`, {
    hint: 'restore the identity, or start over with devsecrets init --force (values you set are lost)',
  });
}

/**
 * Deletes the store, its metadata and its identity (keychain entry or fallback file),
 * after recording the destruction in the audit log, which stays. An identity named by
 * `DEVSECRETS_IDENTITY_FILE` is the user's own file and is kept.
 * @returns what happened to the identity, for people.
 * @throws DevsecretsError `STORE_MISSING` when there is nothing to delete.
 */
export async function destroyStore(root: string, env: NodeJS.ProcessEnv): Promise<{ identity: string }> {
  const paths = storePaths(root);
  if (!existsSync(paths.store) && !existsSync(paths.meta)) {
    throw new DevsecretsError('STORE_MISSING', `no store at ${paths.store}`, { hint: 'nothing to destroy' });
  }
  // A broken store can still be destroyed; its entry is then unsigned.
  const opened = await openStore(root, env).catch(() => undefined);
  const meta = opened?.meta ?? (await readStoreMeta(root).catch(() => undefined));
  await appendAudit(root, { action: 'destroy', vars: [] }, { store: meta?.storeId ?? 'unknown', key: opened?.document.auditKey });
  await withStoreLock(root, async () => {
    await rm(paths.store, { force: true });
    await rm(paths.meta, { force: true });
  });
  if (meta === undefined) return { identity: 'no identity (the store metadata was missing, so its identity is unknown)' };
  if (existingExplicitIdentity(env) !== undefined) return { identity: 'kept the identity file named by DEVSECRETS_IDENTITY_FILE (yours to delete)' };
  await removeIdentity(meta.storeId, meta.identity, env);
  return { identity: meta.identity === 'keychain' ? 'its identity in the OS keychain' : `its identity file ${fallbackIdentityPath(env, meta.storeId)}` };
}

/**
 * Replaces the store's identity with a new one, crash-safe at every step (safety
 * invariant 6): the new identity is parked beside the old; the store is re-encrypted to
 * both and read back with the new one; only then does the new identity take the old one's
 * place, the metadata name the new recipient, and the store drop the old recipient. A crash
 * anywhere leaves a store the identity in place opens. `DEVSECRETS_FAILPOINT` names the
 * step to crash at, for the tests that prove it.
 */
export async function rotateIdentity(manifest: Manifest, env: NodeJS.ProcessEnv): Promise<{ location: IdentityLocation }> {
  const root = manifest.root;
  return withStoreLock(root, async () => {
    const { meta, document, identity } = await openWithIdentity(root, env);
    // The current identity, not the metadata's recipient: see updateStore.
    const current = await recipientOf(identity);
    const pair = await generateKeyPair();
    await writeIdentitySlot(meta.storeId, meta.identity, env, pair, 'pending');
    failpoint('rotate-identity:pending-saved');
    await writeFileAtomic(storePaths(root).store, await encrypt(serializeStoreDocument(document), [current, pair.recipient]), 0o600);
    failpoint('rotate-identity:both-recipients');
    const readBack = parseStoreDocument(decrypt(await readStoreFile(root), pair.identity));
    if (JSON.stringify(readBack) !== JSON.stringify(document)) {
      throw new DevsecretsError('STORE_UNREADABLE', 'the store re-encrypted to the new identity did not read back the same; the old identity stays in place', {
        hint: 'run devsecrets rotate --identity again',
      });
    }
    failpoint('rotate-identity:read-back');
    await writeIdentitySlot(meta.storeId, meta.identity, env, pair, 'current');
    failpoint('rotate-identity:identity-replaced');
    const rotated: StoreMeta = { ...meta, recipient: pair.recipient };
    await writeStoreMeta(root, rotated);
    failpoint('rotate-identity:meta-written');
    await saveStore(manifest, rotated, document);
    failpoint('rotate-identity:store-written');
    await removePendingIdentity(meta.storeId, meta.identity, env);
    await recordAccess(root, document, { action: 'rotate', vars: [] });
    return { location: meta.identity };
  });
}
