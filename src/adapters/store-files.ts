/**
 * The files of a store under a project root:
 *
 * ```
 * .devsecrets/            0700
 *   .gitignore            "*": the folder ignores itself
 *   store.age             0600, the age-encrypted document
 *   store.json            0600, non-secret metadata (format, store id, recipient, creation
 *                         time, where the identity is kept)
 *   lock                  present while a devsecrets process writes the store
 *   audit.log             0600, one JSON line per access
 *   audit.head            0600, the signed sequence number and hash of the log's last line
 * ```
 *
 * Writes are atomic and must happen inside {@link withStoreLock}.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DevsecretsError } from '../core/errors.js';
import { isX25519Recipient } from './age-cipher.js';
import {
  checkPermissions,
  errorCode,
  type LockOptions,
  type PermissionProblem,
  PRIVATE_DIR_MODE,
  withLockFile,
  writeFileAtomic,
  writeNewFileAtomic,
} from './fs-safe.js';

/** Absolute paths of a store's files. */
export interface StorePaths {
  root: string;
  dir: string;
  store: string;
  meta: string;
  gitignore: string;
  lock: string;
  audit: string;
  auditHead: string;
}

/** The metadata file's format this version reads and writes. */
export const STORE_META_FORMAT = 1;

/** Non-secret facts about a store, kept next to it in `store.json`. */
export interface StoreMeta {
  format: typeof STORE_META_FORMAT;
  /** Names the store's identity: keychain account and fallback file name. */
  storeId: string;
  /** The age X25519 recipient (`age1…`) the store is encrypted to. */
  recipient: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** Where `init` put the identity: the OS keychain or the fallback identity file. */
  identity: 'keychain' | 'file';
}

/** Returns the paths of the store files under `root`, without touching the disk. */
export function storePaths(root: string): StorePaths {
  const dir = join(root, '.devsecrets');
  return {
    root,
    dir,
    store: join(dir, 'store.age'),
    meta: join(dir, 'store.json'),
    gitignore: join(dir, '.gitignore'),
    lock: join(dir, 'lock'),
    audit: join(dir, 'audit.log'),
    auditHead: join(dir, 'audit.head'),
  };
}

/**
 * Tells whether a store id is safe as a file name and keychain account: 1–128 characters
 * of letters, digits, `-` and `_`, starting with a letter or digit.
 */
export function isValidStoreId(storeId: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(storeId);
}

/**
 * Creates `.devsecrets/` with mode 0700 and its self-ignoring `.gitignore` when missing.
 * Existing ones are left as they are (looser modes and edited ignores are `doctor`'s to report).
 *
 * @throws the underlying Node.js file-system error, e.g. when `root` does not exist
 */
export async function ensureStoreDir(root: string): Promise<void> {
  const paths = storePaths(root);
  // Not recursive: a missing project root is an error, not something to create as 0700.
  try {
    mkdirSync(paths.dir, { mode: PRIVATE_DIR_MODE });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  try {
    await writeNewFileAtomic(paths.gitignore, '*\n');
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
}

/**
 * Runs `fn` holding the store's lock, creating `.devsecrets/` first if needed. Serialises
 * every store write across processes; not re-entrant.
 *
 * @throws DevsecretsError `STORE_LOCKED` when another process holds the lock past `timeoutMs` (default 10 s)
 * @throws whatever `fn` throws
 */
export async function withStoreLock<T>(root: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await ensureStoreDir(root);
  return withLockFile(storePaths(root).lock, fn, options);
}

/**
 * Reads the encrypted store.
 *
 * @throws DevsecretsError `STORE_MISSING` when `.devsecrets/store.age` does not exist
 */
export async function readStoreFile(root: string): Promise<Uint8Array> {
  const { store } = storePaths(root);
  try {
    return readFileSync(store);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw storeMissing(store);
    throw error;
  }
}

/**
 * Replaces the encrypted store atomically with mode 0600. Call inside {@link withStoreLock}.
 *
 * @throws the underlying Node.js file-system error; the previous store is then intact
 */
export async function writeStoreFile(root: string, ciphertext: Uint8Array): Promise<void> {
  await writeFileAtomic(storePaths(root).store, ciphertext);
}

/**
 * Reads and validates `store.json`.
 *
 * @throws DevsecretsError `STORE_MISSING` when neither the metadata nor the store exists
 * @throws DevsecretsError `STORE_UNREADABLE` when the metadata is missing beside a store, is not
 *   JSON, has a newer format, or has a missing or invalid field
 */
export async function readStoreMeta(root: string): Promise<StoreMeta> {
  const paths = storePaths(root);
  let text: string;
  try {
    text = readFileSync(paths.meta, 'utf8');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    if (!existsSync(paths.store)) throw storeMissing(paths.store);
    throw metaUnreadable(paths.meta, 'store metadata .devsecrets/store.json is missing');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw metaUnreadable(paths.meta, 'store metadata .devsecrets/store.json is not valid JSON');
  }
  return validateMeta(parsed, paths.meta);
}

/**
 * Writes `store.json` atomically with mode 0600. Call inside {@link withStoreLock}.
 *
 * @throws DevsecretsError `STORE_UNREADABLE` when `meta` itself is invalid (nothing is written)
 * @throws the underlying Node.js file-system error
 */
export async function writeStoreMeta(root: string, meta: StoreMeta): Promise<void> {
  const { meta: path } = storePaths(root);
  const valid = validateMeta(meta, path);
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`);
}

/**
 * Deletes the whole `.devsecrets/` folder: store, metadata, audit log and lock. Does nothing
 * when it is already gone. Never touches the identity.
 *
 * @throws the underlying Node.js file-system error
 */
export async function removeStore(root: string): Promise<void> {
  rmSync(storePaths(root).dir, { recursive: true, force: true });
}

/**
 * Lists the store folder and files whose permissions are looser than 0700/0600.
 *
 * @throws the underlying Node.js error for failures other than a missing file
 */
export async function checkStorePermissions(root: string): Promise<PermissionProblem[]> {
  const paths = storePaths(root);
  return checkPermissions([paths.dir, paths.store, paths.meta, paths.audit]);
}

function validateMeta(value: unknown, path: string): StoreMeta {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw metaUnreadable(path, 'store metadata .devsecrets/store.json is not an object');
  }
  const { format, storeId, recipient, createdAt, identity } = value as Record<string, unknown>;
  if (typeof format === 'number' && format > STORE_META_FORMAT) {
    throw new DevsecretsError('STORE_UNREADABLE', `store metadata format ${format} is newer than this devsecrets supports`, {
      hint: 'upgrade devsecrets',
      path,
    });
  }
  const invalid = (field: string): DevsecretsError =>
    metaUnreadable(path, `store metadata .devsecrets/store.json has a missing or invalid "${field}"`);
  if (format !== STORE_META_FORMAT) throw invalid('format');
  if (typeof storeId !== 'string' || !isValidStoreId(storeId)) throw invalid('storeId');
  if (typeof recipient !== 'string' || !isX25519Recipient(recipient)) throw invalid('recipient');
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) throw invalid('createdAt');
  if (identity !== 'keychain' && identity !== 'file') throw invalid('identity');
  return { format, storeId, recipient, createdAt, identity };
}

function storeMissing(path: string): DevsecretsError {
  return new DevsecretsError('STORE_MISSING', 'no store at .devsecrets/store.age', { hint: 'run devsecrets init', path });
}

function metaUnreadable(path: string, message: string): DevsecretsError {
  return new DevsecretsError('STORE_UNREADABLE', message, {
    hint: 'restore .devsecrets/store.json from a backup, or recreate the store with devsecrets init --force',
    path,
  });
}
