/**
 * Where a store's age identity lives, and getting it from there. The policy:
 *
 * 1. `DEVSECRETS_IDENTITY_FILE=PATH` wins: that file, the keychain is never touched.
 * 2. Otherwise the OS keychain (service `devsecrets`, account = store id), unless
 *    `DEVSECRETS_KEYCHAIN=off` or no Secret Service answers;
 * 3. then the fallback file `$DEVSECRETS_HOME/identities/<store id>.txt`.
 *
 * The store metadata records which of the two the identity went to at `init`, so opening
 * a store goes straight there: `run` never loads the keychain module for a file identity.
 */
import { existsSync } from 'node:fs';
import { DevsecretsError } from '../core/errors.js';
import type { AgeKeyPair } from './age-cipher.js';
import type { Keychain } from './keychain.js';
import { fallbackIdentityPath, readIdentityFile, writeIdentityFile, deleteIdentityFile } from './identity-file.js';

export type IdentityLocation = 'keychain' | 'file';

/** The outcome of storing a new identity: where it went, and why when it is not the keychain. */
export interface StoredIdentity {
  location: IdentityLocation;
  path?: string;
  notice?: string;
}

/** The identity file named by `DEVSECRETS_IDENTITY_FILE` (the user's own), when the variable is set. */
export function explicitIdentityFile(env: NodeJS.ProcessEnv): string | undefined {
  const path = env.DEVSECRETS_IDENTITY_FILE;
  return path === undefined || path === '' ? undefined : path;
}

function keychainDisabled(env: NodeJS.ProcessEnv): boolean {
  return env.DEVSECRETS_KEYCHAIN === 'off';
}

/**
 * Loads the identity of a store.
 * @throws DevsecretsError `IDENTITY_MISSING` / `FILE_PERMISSIONS` / `KEYCHAIN_UNAVAILABLE` (exit 4).
 */
export async function loadIdentity(storeId: string, location: IdentityLocation, env: NodeJS.ProcessEnv): Promise<string> {
  const file = identityFilePath(storeId, location, env);
  if (file !== undefined) return readIdentityFile(file);
  if (keychainDisabled(env)) {
    throw new DevsecretsError('KEYCHAIN_UNAVAILABLE', 'this store\'s identity is in the OS keychain, but DEVSECRETS_KEYCHAIN=off', {
      hint: 'unset DEVSECRETS_KEYCHAIN, or point DEVSECRETS_IDENTITY_FILE at a copy of the identity',
    });
  }
  const { openKeychain } = await import('./keychain.js');
  const keychain = await openKeychain();
  if (keychain === undefined) {
    throw new DevsecretsError('KEYCHAIN_UNAVAILABLE', 'this store\'s identity is in the OS keychain, and no keychain answered', {
      hint: 'unlock your keychain (on Linux: start a Secret Service such as gnome-keyring), or set DEVSECRETS_IDENTITY_FILE',
    });
  }
  const identity = await keychain.get(storeId);
  if (identity === undefined) {
    throw new DevsecretsError('IDENTITY_MISSING', `the OS keychain has no devsecrets identity for store ${storeId}`, {
      hint: 'run devsecrets init --force to start a new store (values you set are lost)',
    });
  }
  return identity;
}

/**
 * The file a store's identity is read from: `DEVSECRETS_IDENTITY_FILE` when set, else the
 * fallback file when the metadata says the identity went there; undefined for a keychain identity.
 * @throws DevsecretsError `STORE_UNREADABLE` when the store id is not a safe file name
 */
export function identityFilePath(storeId: string, location: IdentityLocation, env: NodeJS.ProcessEnv): string | undefined {
  return explicitIdentityFile(env) ?? (location === 'file' ? fallbackIdentityPath(env, storeId) : undefined);
}

/**
 * Stores a new identity for `storeId` following the policy above.
 * @throws DevsecretsError when the chosen place cannot be written.
 */
export async function storeIdentity(storeId: string, pair: AgeKeyPair, env: NodeJS.ProcessEnv): Promise<StoredIdentity> {
  const explicit = explicitIdentityFile(env);
  if (explicit !== undefined) {
    await writeIdentityFile(explicit, pair);
    return { location: 'file', path: explicit };
  }
  let notice = 'DEVSECRETS_KEYCHAIN=off';
  if (!keychainDisabled(env)) {
    const { openKeychain } = await import('./keychain.js');
    const keychain = await openKeychain();
    if (keychain !== undefined) {
      await keychain.set(storeId, pair.identity);
      return { location: 'keychain' };
    }
    notice = 'no OS keychain answered';
  }
  const path = fallbackIdentityPath(env, storeId);
  await writeIdentityFile(path, pair);
  return { location: 'file', path, notice: `${notice}: the identity is kept in ${path} (mode 0600)` };
}

/** The identity file named by `DEVSECRETS_IDENTITY_FILE`, when it is set and exists. */
export function existingExplicitIdentity(env: NodeJS.ProcessEnv): string | undefined {
  const explicit = explicitIdentityFile(env);
  return explicit !== undefined && existsSync(explicit) ? explicit : undefined;
}

/** Whether a store's identity can be found where its metadata says, without reading it. */
export async function identityExists(storeId: string, location: IdentityLocation, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await loadIdentity(storeId, location, env);
    return true;
  } catch (error) {
    if (error instanceof DevsecretsError && (error.code === 'IDENTITY_MISSING')) return false;
    throw error;
  }
}

/** Removes a store's identity from wherever it lives (never the explicit `DEVSECRETS_IDENTITY_FILE`). */
export async function removeIdentity(storeId: string, location: IdentityLocation, env: NodeJS.ProcessEnv): Promise<void> {
  if (location === 'file') {
    await deleteIdentityFile(fallbackIdentityPath(env, storeId));
    return;
  }
  const { openKeychain } = await import('./keychain.js');
  const keychain = await openKeychain();
  await keychain?.delete(storeId);
}

/**
 * Where identity rotation parks the new identity until the store opens with it: the
 * keychain account or file name of the store id with `-next` appended.
 */
function pendingId(storeId: string): string {
  return `${storeId}-next`;
}

/**
 * Deleting a store's identity together with the pending successor an interrupted
 * `rotate --identity` may have left, in two steps: preparing checks that the place is
 * reachable (the keychain answers), so that `destroy` can refuse before it deletes
 * anything; the returned function then deletes both.
 * @returns the deletion; it resolves to whether a pending identity was there too
 * @throws DevsecretsError `KEYCHAIN_UNAVAILABLE` (exit 4) when the identity is in the keychain and it cannot be reached
 */
export async function prepareIdentityRemoval(storeId: string, location: IdentityLocation, env: NodeJS.ProcessEnv): Promise<() => Promise<boolean>> {
  if (location === 'file') {
    const current = fallbackIdentityPath(env, storeId);
    const pending = fallbackIdentityPath(env, pendingId(storeId));
    return async () => {
      await deleteIdentityFile(current);
      return deleteIdentityFile(pending);
    };
  }
  const keychain = await reachKeychain(env, 'deleted');
  return async () => {
    await keychain.delete(storeId);
    return keychain.delete(pendingId(storeId));
  };
}

/**
 * The keychain, for changing a store's identity there; `undone` says what did not happen when it cannot be reached.
 * @throws DevsecretsError `KEYCHAIN_UNAVAILABLE` with `DEVSECRETS_KEYCHAIN=off` or when no keychain answers
 */
async function reachKeychain(env: NodeJS.ProcessEnv, undone: string): Promise<Keychain> {
  if (keychainDisabled(env)) {
    throw new DevsecretsError('KEYCHAIN_UNAVAILABLE', `this store's identity is in the OS keychain, but DEVSECRETS_KEYCHAIN=off; nothing was ${undone}`, {
      hint: 'unset DEVSECRETS_KEYCHAIN and try again',
    });
  }
  const { openKeychain } = await import('./keychain.js');
  const keychain = await openKeychain();
  if (keychain === undefined) {
    throw new DevsecretsError('KEYCHAIN_UNAVAILABLE', `this store's identity is in the OS keychain, and no keychain answered; nothing was ${undone}`, {
      hint: 'unlock your keychain (on Linux: start a Secret Service such as gnome-keyring) and try again',
    });
  }
  return keychain;
}

/**
 * Writes the identity of a store to its place (`slot: 'current'`, replacing what is there)
 * or to the pending place beside it, in the keychain or the fallback files as `location`
 * says. Never for a `DEVSECRETS_IDENTITY_FILE`, which is the user's to manage.
 * @throws DevsecretsError `KEYCHAIN_UNAVAILABLE` when the keychain cannot be reached
 */
export async function writeIdentitySlot(
  storeId: string,
  location: IdentityLocation,
  env: NodeJS.ProcessEnv,
  pair: AgeKeyPair,
  slot: 'current' | 'pending',
): Promise<void> {
  const id = slot === 'pending' ? pendingId(storeId) : storeId;
  if (location === 'file') {
    await writeIdentityFile(fallbackIdentityPath(env, id), pair, new Date(), { replace: true });
    return;
  }
  const keychain = await reachKeychain(env, 'changed');
  await keychain.set(id, pair.identity);
}

/** Removes the pending identity of a store, if there is one (a finished or crashed rotation). */
export async function removePendingIdentity(storeId: string, location: IdentityLocation, env: NodeJS.ProcessEnv): Promise<void> {
  await removeIdentity(pendingId(storeId), location, env);
}
