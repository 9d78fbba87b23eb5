/**
 * Appending to and reading `.devsecrets/audit.log` and its head `.devsecrets/audit.head`.
 * Appends are serialised by their own lock (not the store's, so `run` never waits on a
 * long store write), and each reads only the log's last line and the small head, so the
 * cost of an entry does not grow with the log. The head is rewritten after the line is
 * written (in place, without fsync: a crash in between leaves a line past the head, which
 * verification allows).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { auditHeadFor, nextAuditLine, type AuditEvent, type AuditFiles } from '../core/audit.js';
import { errorCode, PRIVATE_FILE_MODE, withLockFile } from './fs-safe.js';
import { storePaths } from './store-files.js';

/** Who signs an entry: the store it belongs to, and its audit key when the store could be opened. */
export interface AuditSigner {
  store: string;
  key: string | undefined;
}

/** Appends one entry for `event`. Never records a value: events carry names only. */
export async function appendAudit(root: string, event: AuditEvent, signer: AuditSigner): Promise<void> {
  const paths = storePaths(root);
  await withLockFile(join(paths.dir, 'audit.lock'), async () => {
    const context = { time: new Date(), pid: process.pid, user: currentUser(), ...signer };
    const fd = openSync(paths.audit, 'a+', PRIVATE_FILE_MODE);
    let line: string;
    try {
      line = nextAuditLine(lastLine(fd), event, context, readIfExists(paths.auditHead));
      writeSync(fd, `${line}\n`);
    } finally {
      closeSync(fd);
    }
    writeHead(paths.auditHead, auditHeadFor(line, context));
  });
}

// The head is one record overwritten in place, never a new file renamed over the old: ext4
// flushes a file renamed over another, which cost `run` up to a few milliseconds. A record
// within one 512-byte sector lands whole or not at all.
const HEAD_SIZE = 512;

function writeHead(path: string, text: string): void {
  const record = Buffer.alloc(HEAD_SIZE, ' ');
  if (record.write(text) >= HEAD_SIZE) throw new Error('audit head record too long');
  record[HEAD_SIZE - 1] = 0x0a;
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE);
  try {
    writeSync(fd, record, 0, HEAD_SIZE, 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * The log and its head, each absent when its file does not exist.
 * @throws the underlying Node.js file-system error for failures other than a missing file
 */
export function readAuditLog(root: string): AuditFiles {
  const paths = storePaths(root);
  return { log: readIfExists(paths.audit), head: readIfExists(paths.auditHead) };
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The log's last line (without its newline), reading backwards from the end in blocks. */
function lastLine(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const block = 4096;
  let end = size - 1;
  let collected = Buffer.alloc(0);
  for (let start = Math.max(0, end + 1 - block); ; start = Math.max(0, start - block)) {
    const chunk = Buffer.alloc(end + 1 - start);
    readSync(fd, chunk, 0, chunk.length, start);
    collected = Buffer.concat([chunk, collected]);
    end = start - 1;
    const body = collected.subarray(0, collected.length - (collected.at(-1) === 0x0a ? 1 : 0));
    const newline = body.lastIndexOf(0x0a);
    if (newline !== -1) return body.subarray(newline + 1).toString('utf8');
    if (start === 0) return body.toString('utf8');
  }
}

/** The login name, as the environment gives it (asking the user database costs `run` most of a millisecond). */
function currentUser(): string {
  const named = process.env.USER || process.env.LOGNAME || process.env.USERNAME;
  if (named) return named;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
