/**
 * Identity files in age-keygen's format, the fallback when no OS keychain is available and
 * the form `DEVSECRETS_IDENTITY_FILE` points to:
 *
 * ```
 * # created: 2025-01-01T12:00:00Z
 * # public key: age1…
 * AGE-SECRET-KEY-1…
 * ```
 *
 * Like ssh with private keys, a file that others may read or write is refused, not used.
 */
import { closeSync, fstatSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DevsecretsError } from '../core/errors.js';
import { isX25519Identity, recipientOf, type AgeKeyPair } from './age-cipher.js';
import { ensurePrivateDir, errorCode, writeFileAtomic, writeNewFileAtomic } from './fs-safe.js';
import { isValidStoreId } from './store-files.js';

/**
 * The devsecrets home folder: `DEVSECRETS_HOME`, else `$XDG_CONFIG_HOME/devsecrets`, else
 * `~/.config/devsecrets`. Empty variables count as unset, and a relative `XDG_CONFIG_HOME`
 * is ignored, as the XDG spec requires.
 */
export function identityHome(env: NodeJS.ProcessEnv): string {
  if (env.DEVSECRETS_HOME) return resolve(env.DEVSECRETS_HOME);
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'devsecrets');
  return join(env.HOME || homedir(), '.config', 'devsecrets');
}

/**
 * The fallback identity file of a store: `<home>/identities/<storeId>.txt`.
 *
 * @throws DevsecretsError `STORE_UNREADABLE` when the store id is not a safe file name
 */
export function fallbackIdentityPath(env: NodeJS.ProcessEnv, storeId: string): string {
  if (!isValidStoreId(storeId)) {
    throw new DevsecretsError('STORE_UNREADABLE', 'store id in .devsecrets/store.json is not valid', {
      hint: 'restore .devsecrets/store.json from a backup, or recreate the store with devsecrets init --force',
    });
  }
  return join(identityHome(env), 'identities', `${storeId}.txt`);
}

/**
 * Writes a key pair in age-keygen's format, creating missing folders with mode 0700 and the
 * file atomically with mode 0600. Never replaces an existing file, unless `replace` is set
 * (identity rotation, once the store opens with the new identity).
 *
 * @throws DevsecretsError `FAILURE` when the file already exists and `replace` is not set
 * @throws DevsecretsError `IDENTITY_MISSING` when the identity is invalid or does not match the recipient
 * @throws the underlying Node.js file-system error
 */
export async function writeIdentityFile(path: string, pair: AgeKeyPair, now: Date = new Date(), options: { replace?: boolean } = {}): Promise<void> {
  if (recipientOf(pair.identity) !== pair.recipient) {
    throw new DevsecretsError('IDENTITY_MISSING', 'identity does not match its recipient; nothing was written');
  }
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const text = `# created: ${created}\n# public key: ${pair.recipient}\n${pair.identity}\n`;
  await ensurePrivateDir(dirname(path));
  if (options.replace) {
    await writeFileAtomic(path, text);
    return;
  }
  try {
    await writeNewFileAtomic(path, text);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    throw new DevsecretsError('FAILURE', `identity file ${path} already exists`, {
      hint: 'refusing to overwrite an identity; move the file away if it is no longer needed',
      path,
    });
  }
}

/**
 * Reads the first X25519 identity (`AGE-SECRET-KEY-1…` line) of an identity file; comments
 * and blank lines are ignored.
 *
 * @throws DevsecretsError `IDENTITY_MISSING` when the file does not exist, is not a regular
 *   file, or holds no valid X25519 identity
 * @throws DevsecretsError `FILE_PERMISSIONS` when group or others have any access to the file
 */
export async function readIdentityFile(path: string): Promise<string> {
  let text: string;
  try {
    // One open for both checks and read, so the file checked is the file read. Synchronous:
    // three small calls on `run`'s path cost less than three trips through the event loop.
    const fd = openSync(path, 'r');
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) throw identityMissing(path, `identity file ${path} is not a regular file`);
      if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
        throw new DevsecretsError('FILE_PERMISSIONS', `identity file ${path} is readable by others`, {
          hint: `chmod 600 ${shellQuote(path)}`,
          path,
        });
      }
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw identityMissing(path, `no identity file at ${path}`);
    if (errorCode(error) === 'EISDIR') throw identityMissing(path, `identity file ${path} is not a regular file`);
    throw error;
  }
  const identity = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.startsWith('AGE-SECRET-KEY-1'));
  if (identity === undefined) throw identityMissing(path, `identity file ${path} holds no age X25519 identity`);
  if (!isX25519Identity(identity)) throw identityMissing(path, `identity file ${path} holds a malformed age identity`);
  return identity;
}

/**
 * Deletes an identity file. Callers must first have written and read back a store encrypted
 * to the successor identity (DESIGN.md invariant 6).
 *
 * @returns false when the file did not exist
 * @throws the underlying Node.js file-system error
 */
export async function deleteIdentityFile(path: string): Promise<boolean> {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function identityMissing(path: string, message: string): DevsecretsError {
  return new DevsecretsError('IDENTITY_MISSING', message, {
    hint: 'restore the identity file, or set DEVSECRETS_IDENTITY_FILE to one; without it the store cannot be decrypted',
    path,
  });
}

function shellQuote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
