/**
 * The store's life beyond reading and writing it: creating it (`init`), replacing its
 * identity (`rotate --identity`) and deleting it (`destroy`). Each is ordered so that a
 * crash between any two steps leaves something usable or repairable, never a store that
 * nobody can open.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { DevsecretsError } from '../core/errors.js';
import type { Manifest } from '../core/manifest-model.js';
import type { StoreDocument } from '../core/store-document.js';
import { generateKeyPair, recipientOf } from './age-cipher.js';
import { appendAudit } from './audit-log.js';
import { failpoint } from './failpoint.js';
import {
  existingExplicitIdentity, explicitIdentityFile, identityExists, loadIdentity, prepareIdentityRemoval, removeIdentity, removePendingIdentity, storeIdentity,
  writeIdentitySlot,
  type IdentityLocation, type StoredIdentity,
} from './identity.js';
import { fallbackIdentityPath } from './identity-file.js';
import {
  ensureStoreDir, readStoreMeta, STORE_META_FORMAT, storePaths, withStoreLock, writeStoreMeta, type StoreMeta,
} from './store-files.js';
import { removeGenerationRecord } from './store-generation.js';
import { openStore, openStoreAs, openWithIdentity, recordAccess, saveStore } from './store.js';

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
          // Adopting keeps the store, and says so in the error's own hint.
          const adoptable = error.code === 'STORE_UNAUTHENTICATED' || error.code === 'STORE_ROLLED_BACK';
          throw new DevsecretsError(error.code, error.message, { hint: adoptable ? error.hint : 'devsecrets init --force starts over (values you set are lost)', cause: error });
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
      await saveStore(manifest, document, [await loadIdentity(previous.storeId, previous.identity, env)], env);
      return { status: 'repaired', meta: previous, document, identity: { location: previous.identity } };
    }

    const storeId = randomUUID();
    const explicit = existingExplicitIdentity(env);
    let identity: StoredIdentity;
    let secret: string;
    if (explicit !== undefined) {
      secret = await loadIdentity(storeId, 'file', env);
      identity = { location: 'file', path: explicit };
    } else {
      const pair = await generateKeyPair();
      secret = pair.identity;
      identity = await storeIdentity(storeId, pair, env);
    }
    const meta: StoreMeta = { format: STORE_META_FORMAT, storeId, recipient: recipientOf(secret), createdAt: now.toISOString(), identity: identity.location };
    await writeStoreMeta(root, meta);
    const document = createStoreDocument(manifest, storeId, seed, now);
    await saveStore(manifest, document, [secret], env);
    // Only once the new store is on disk is the old identity expendable (safety invariant 6).
    if (previous !== undefined && hasIdentity && existingExplicitIdentity(env) === undefined) {
      await removeIdentity(previous.storeId, previous.identity, env);
    }
    // The replaced store's generation record guards nothing any more (its store id is gone).
    if (previous !== undefined) removeGenerationRecord(env, previous.storeId, root);
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
 * Deletes the store, its metadata and its identity (keychain entry or fallback file), with
 * any pending identity an interrupted `rotate --identity` left, after recording the
 * destruction in the audit log, which stays. An identity named by
 * `DEVSECRETS_IDENTITY_FILE` is the user's own file and is kept.
 * @returns what happened to the identity, for people.
 * @throws DevsecretsError `STORE_MISSING` when there is nothing to delete; `KEYCHAIN_UNAVAILABLE` when the
 *   identity is in a keychain that cannot be reached (checked before anything is deleted).
 */
export async function destroyStore(root: string, env: NodeJS.ProcessEnv): Promise<{ identity: string }> {
  const paths = storePaths(root);
  if (!existsSync(paths.store) && !existsSync(paths.meta)) {
    throw new DevsecretsError('STORE_MISSING', `no store at ${paths.store}`, { hint: 'nothing to destroy' });
  }
  // A broken store can still be destroyed; its entry is then unsigned.
  const opened = await openStore(root, env).catch(() => undefined);
  const meta = opened?.meta ?? (await readStoreMeta(root).catch(() => undefined));
  const explicit = existingExplicitIdentity(env) !== undefined;
  // Prepared first: a keychain that does not answer must stop destroy before it deletes anything.
  const removeIdentities = meta === undefined || explicit ? undefined : await prepareIdentityRemoval(meta.storeId, meta.identity, env);
  await appendAudit(root, { action: 'destroy', vars: [] }, { store: meta?.storeId ?? 'unknown', key: opened?.document.auditKey });
  await withStoreLock(root, async () => {
    await rm(paths.store, { force: true });
    await rm(paths.meta, { force: true });
  });
  if (meta !== undefined) removeGenerationRecord(env, meta.storeId, root);
  if (meta === undefined) return { identity: 'no identity (the store metadata was missing, so its identity is unknown)' };
  if (removeIdentities === undefined) return { identity: 'kept the identity file named by DEVSECRETS_IDENTITY_FILE (yours to delete)' };
  const pending = (await removeIdentities()) ? ', and the new identity an interrupted rotate --identity left' : '';
  return { identity: `${meta.identity === 'keychain' ? 'its identity in the OS keychain' : `its identity file ${fallbackIdentityPath(env, meta.storeId)}`}${pending}` };
}

/**
 * Replaces the store's identity with a new one, crash-safe at every step (safety
 * invariant 6): the new identity is parked beside the old; the store is re-encrypted to
 * both and read back with the new one; only then does the new identity take the old one's
 * place, the metadata name the new recipient, and the store drop the old recipient. A crash
 * anywhere leaves a store the identity in place opens. `DEVSECRETS_FAILPOINT` names the
 * step to crash at, for the tests that prove it.
 * @throws DevsecretsError `USAGE` (exit 2) when `DEVSECRETS_IDENTITY_FILE` is set: that file is the user's, and
 *   other stores may share it (`init` adopts an existing file), so it is never replaced
 */
export async function rotateIdentity(manifest: Manifest, env: NodeJS.ProcessEnv): Promise<{ location: IdentityLocation }> {
  const root = manifest.root;
  if (explicitIdentityFile(env) !== undefined) throw await userIdentityRefusal(root, env);
  return withStoreLock(root, async () => {
    // The identity that opened the store, not the metadata's recipient: see updateStore.
    const { meta, document, identity } = await openWithIdentity(root, env);
    const pair = await generateKeyPair();
    await writeIdentitySlot(meta.storeId, meta.identity, env, pair, 'pending');
    failpoint('rotate-identity:pending-saved');
    await saveStore(manifest, document, [identity, pair.identity], env);
    failpoint('rotate-identity:both-recipients');
    const readBack = (await openStoreAs(root, meta, pair.identity, env)).document;
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
    await saveStore(manifest, document, [pair.identity], env);
    failpoint('rotate-identity:store-written');
    await removePendingIdentity(meta.storeId, meta.identity, env);
    await recordAccess(root, document, { action: 'rotate', vars: [] });
    return { location: meta.identity };
  });
}

/** Why `rotate --identity` leaves a `DEVSECRETS_IDENTITY_FILE` alone, and how to rotate anyway. */
async function userIdentityRefusal(root: string, env: NodeJS.ProcessEnv): Promise<DevsecretsError> {
  const meta = await readStoreMeta(root).catch(() => undefined);
  const handOver = meta === undefined ? undefined : meta.identity === 'keychain'
    ? 'unset DEVSECRETS_IDENTITY_FILE (this store\'s identity is also in the OS keychain) and run devsecrets rotate --identity'
    : `copy the file to ${fallbackIdentityPath(env, meta.storeId)} (mode 0600), unset DEVSECRETS_IDENTITY_FILE and run devsecrets rotate --identity`;
  const fresh = 'make a new key with age-keygen and start a store on it (DEVSECRETS_IDENTITY_FILE=NEW devsecrets init --force; values you set are lost)';
  return new DevsecretsError('USAGE', 'rotate --identity never replaces the identity file named by DEVSECRETS_IDENTITY_FILE: it is yours to manage, and other stores may share it', {
    hint: handOver === undefined ? fresh : `to let devsecrets manage this store's identity, ${handOver}; or ${fresh}`,
  });
}
