/**
 * File-system primitives that keep DESIGN.md's safety invariants: atomic writes (a crash
 * leaves the old file or the new one, never neither), private permissions, and a
 * cross-process lock with safe takeover of locks left by dead processes.
 *
 * The steps themselves are synchronous system calls: a command-line process has nothing
 * to do meanwhile, and a dozen trips through the event loop would cost `run` (whose audit
 * entry takes the lock) measurable time. Waiting for a held lock stays asynchronous.
 */
import {
  closeSync, fchmodSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { hostname, uptime } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DevsecretsError } from '../core/errors.js';
import { isoTime } from '../core/iso-time.js';

/** Mode of every private file devsecrets writes. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of every private folder devsecrets creates. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Replaces (or creates) `path` atomically: the data goes to a temp file in the same folder,
 * created exclusively with `mode`, fsynced, then renamed over `path`, and the folder is
 * fsynced. On failure the temp file is removed and `path` is untouched.
 *
 * @throws the underlying Node.js file-system error
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = PRIVATE_FILE_MODE): Promise<void> {
  writeViaTemp(path, data, mode, 'replace');
}

/**
 * Creates `path` atomically with `data` and `mode`, refusing to replace an existing file:
 * the file appears complete or not at all (temp file hard-linked into place).
 *
 * @throws a Node.js error with code `EEXIST` when `path` exists; other file-system errors as is
 */
export async function writeNewFileAtomic(path: string, data: Uint8Array | string, mode = PRIVATE_FILE_MODE): Promise<void> {
  writeViaTemp(path, data, mode, 'create');
}

/**
 * Creates a private folder (and missing parents) with mode 0700. An existing folder is left
 * as it is, looser or not: changing it silently would hide a problem `doctor` should report.
 *
 * @throws the underlying Node.js file-system error
 */
export async function ensurePrivateDir(path: string): Promise<void> {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** A file or folder whose permissions are looser than devsecrets requires. */
export interface PermissionProblem {
  path: string;
  /** The permission bits found (`mode & 0o777`). */
  mode: number;
  /** The most the path may allow: 0600 for files, 0700 for folders. */
  expected: number;
}

/**
 * Finds the paths that allow more than 0600 (files) or 0700 (folders). Missing paths are
 * skipped; symlinks are judged by their target. Always empty on Windows, which has no modes.
 *
 * @throws the underlying Node.js error for failures other than a missing path
 */
export async function checkPermissions(paths: readonly string[]): Promise<PermissionProblem[]> {
  if (process.platform === 'win32') return [];
  const problems: PermissionProblem[] = [];
  for (const path of paths) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) continue;
    const expected = stats.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    const mode = stats.mode & 0o777;
    if ((mode & ~expected) !== 0) problems.push({ path, mode, expected });
  }
  return problems;
}

/** Options of {@link withLockFile}. */
export interface LockOptions {
  /** How long to wait for another holder before giving up; default 10 s. */
  timeoutMs?: number;
}

/**
 * Runs `fn` while holding the store lock at `lockPath`, a file created exclusively and
 * holding the owner's pid, host and time. While another live process (or another call in
 * this process: the lock is not re-entrant) holds it, waits with backoff. A lock whose owner
 * is dead — same host and no such pid, or created before the last boot — is taken over. The
 * lock is released when `fn` settles, whatever the outcome.
 *
 * @throws DevsecretsError `STORE_LOCKED` when the lock is still held after `timeoutMs`
 * @throws whatever `fn` throws, and file-system errors other than contention
 */
export async function withLockFile<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const content = await acquireLock(lockPath, options.timeoutMs ?? 10_000);
  try {
    return await fn();
  } finally {
    releaseLock(lockPath, content);
  }
}

interface LockHolder {
  pid: number;
  hostname: string;
  createdAt: string;
}

// Past this age a leftover takeover guard, or a lock file still without its holder, is
// abandoned: the steps that would have finished them take microseconds.
const BREAK_GUARD_STALE_MS = 5_000;

let tokens = 0;

/**
 * A token no other call on this host makes: unique, not secret (with the pid, the monotonic
 * clock and a counter, so `run` need not load node:crypto for random bytes).
 */
function uniqueToken(): string {
  tokens += 1;
  return `${process.pid.toString(36)}-${process.hrtime.bigint().toString(36)}-${tokens.toString(36)}`;
}

async function acquireLock(lockPath: string, timeoutMs: number): Promise<string> {
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), createdAt: isoTime(new Date()) };
  // The token makes our content unique, so release never removes someone else's lock.
  const content = `${JSON.stringify({ ...holder, token: uniqueToken() })}\n`;
  const deadline = Date.now() + timeoutMs;
  let delayMs = 5;
  for (;;) {
    try {
      createLockFile(lockPath, content);
      return content;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const current = readLockHolder(lockPath);
    if (current === 'gone') continue;
    if (isStale(current, lockPath) && Date.now() < deadline) {
      if (!breakStaleLock(lockPath)) await sleep(5);
      continue;
    }
    const now = Date.now();
    if (now >= deadline) throw lockedError(lockPath, current);
    await sleep(Math.min(delayMs * (0.5 + Math.random()), deadline - now));
    delayMs = Math.min(delayMs * 2, 200);
  }
}

/**
 * Creates the lock file exclusively and writes its holder. For the microseconds in between
 * others read it as garbled and wait; one left garbled by a crash in between goes stale.
 */
function createLockFile(lockPath: string, content: string): void {
  const fd = openSync(lockPath, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

function releaseLock(lockPath: string, content: string): void {
  try {
    // A live owner's lock is never taken over, so nobody can swap the file between these calls.
    if (readFileSync(lockPath, 'utf8') === content) unlinkSync(lockPath);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * Removes a stale lock under a guard file, so that two waiters deciding at once that the same
 * lock is stale cannot remove a fresh lock taken in between: the staleness is re-checked
 * while holding the guard, and only a dead owner's lock is ever unlinked.
 *
 * @returns false when another waiter holds the guard (the caller backs off and retries)
 */
function breakStaleLock(lockPath: string): boolean {
  const guardPath = `${lockPath}.break`;
  try {
    createLockFile(guardPath, `${process.pid}\n`);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const guardAge = ageMs(guardPath);
    if (guardAge !== undefined && guardAge > BREAK_GUARD_STALE_MS) unlinkIfPresent(guardPath);
    return false;
  }
  try {
    const current = readLockHolder(lockPath);
    if (current !== 'gone' && isStale(current, lockPath)) unlinkIfPresent(lockPath);
  } finally {
    unlinkIfPresent(guardPath);
  }
  return true;
}

function ageMs(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function readLockHolder(lockPath: string): LockHolder | 'gone' | 'garbled' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return 'garbled';
    const { pid, hostname: host, createdAt } = parsed as Record<string, unknown>;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string' || typeof createdAt !== 'string') {
      return 'garbled';
    }
    return { pid: pid as number, hostname: host, createdAt };
  } catch {
    return 'garbled';
  }
}

function isStale(holder: LockHolder | 'garbled', lockPath: string): boolean {
  // Its holder writes a lock's content right after creating it: one still garbled later was
  // left by a crash in between.
  if (holder === 'garbled') return (ageMs(lockPath) ?? 0) > BREAK_GUARD_STALE_MS;
  // A pid on another host cannot be checked; such a lock is only ever released by its owner.
  if (holder.hostname !== hostname()) return false;
  const bootTime = Date.now() - uptime() * 1000;
  // After a reboot the pid may belong to an unrelated process.
  if (Date.parse(holder.createdAt) < bootTime) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return errorCode(error) === 'ESRCH';
  }
}

function lockedError(lockPath: string, holder: LockHolder | 'garbled'): DevsecretsError {
  const owner =
    holder === 'garbled'
      ? ''
      : holder.hostname === hostname()
        ? ` (pid ${holder.pid})`
        : ` (pid ${holder.pid} on ${holder.hostname})`;
  return new DevsecretsError('STORE_LOCKED', `store is locked by another devsecrets process${owner}`, {
    hint: `wait for it to finish; if no devsecrets process is running, delete ${lockPath}`,
    path: lockPath,
  });
}

function writeViaTemp(path: string, data: Uint8Array | string, mode: number, commit: 'replace' | 'create'): void {
  const folder = dirname(path);
  const tempPath = join(folder, `.${basename(path)}.${uniqueToken()}.tmp`);
  let committed = false;
  try {
    const fd = openSync(tempPath, 'wx', mode);
    try {
      // The umask may have narrowed the creation mode; the final mode must be exact.
      fchmodSync(fd, mode);
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (commit === 'replace') {
      renameSync(tempPath, path);
      committed = true;
    } else {
      // link() fails with EEXIST instead of replacing, which rename() cannot do.
      linkSync(tempPath, path);
    }
    syncFolder(folder);
  } finally {
    if (!committed) unlinkIfPresent(tempPath);
  }
}

function syncFolder(folder: string): void {
  // Windows cannot open a folder for fsync; NTFS renames are journaled anyway.
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/** The `code` of a Node.js system error (`ENOENT`, `EEXIST`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
