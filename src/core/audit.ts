/**
 * The audit log's format and its verification. One JSON line per access; each line holds
 * the sha256 of the line before it (a hash chain: deleting, inserting or reordering lines
 * breaks it) and an HMAC under the store's secret audit key (editing any line, the last
 * one included, breaks it). Lines name variables, never values.
 *
 * A chain says nothing about lines cut off its end, nor about a log rewritten whole under
 * another store's name (lines of other stores cannot be authenticated). So every append
 * also replaces a small head, `.devsecrets/audit.head`: the last line's sequence number and
 * hash, signed with the same key. Verification with the store's key requires the head to
 * be the store's, and its line to be there unchanged; lines after it are allowed (a crash
 * between writing the line and the head) since they chain and verify on their own.
 */
import { hmacSha256Hex, sameHex, sha256Hex } from './digest.js';
import { isoTime } from './iso-time.js';
import type { Finding } from './findings.js';

export type AuditAction = 'init' | 'run' | 'get' | 'set' | 'unset' | 'rotate' | 'sync' | 'import' | 'destroy';

/** What a command records; the chain fields are added by `nextAuditLine`. */
export interface AuditEvent {
  action: AuditAction;
  vars: string[];
  /** For `run`: the command's name, never its arguments. */
  command?: string;
  /** For a `run` that decrypted the store and then refused to start: the refusal's code. */
  refused?: string;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  time: string;
  pid: number;
  user: string;
  /** The store the entry belongs to: its audit key signs the entry. */
  store: string;
  /** sha256 (hex) of the previous line, or 64 zeros for the first. */
  prev: string;
  /** HMAC-SHA256 (hex) of the line without this field, under the store's audit key. */
  mac: string;
}

const GENESIS = '0'.repeat(64);

export interface AuditContext {
  time: Date;
  pid: number;
  user: string;
  store: string;
  /** The store's audit key (hex); lines written without one (the store could not be opened) carry an empty mac. */
  key: string | undefined;
}

/**
 * The line to append after `previousLine` (undefined for an empty log), without a newline.
 * Its sequence number also follows the head's (`headText`, when there is one): a log cut
 * short keeps a gap in the numbers, so the next line does not hide the cut.
 */
export function nextAuditLine(previousLine: string | undefined, event: AuditEvent, context: AuditContext, headText?: string): string {
  const previousSeq = previousLine === undefined ? 0 : (parseEntry(previousLine)?.seq ?? 0);
  const seq = Math.max(previousSeq, headText === undefined ? 0 : (parseHead(headText)?.seq ?? 0)) + 1;
  const entry: Omit<AuditEntry, 'mac'> = {
    seq,
    time: isoTime(context.time),
    action: event.action,
    vars: event.vars,
    ...(event.command === undefined ? {} : { command: event.command }),
    ...(event.refused === undefined ? {} : { refused: event.refused }),
    pid: context.pid,
    user: context.user,
    store: context.store,
    prev: previousLine === undefined ? GENESIS : sha256Hex(previousLine),
  };
  const unsigned = JSON.stringify(entry);
  return JSON.stringify({ ...entry, mac: context.key === undefined ? '' : hmac(context.key, unsigned) });
}

/**
 * The head `.devsecrets/audit.head` holds after `line` was appended by `context`'s store:
 * one JSON line, signed with the store's audit key (an empty mac without one).
 */
export function auditHeadFor(line: string, context: Pick<AuditContext, 'store' | 'key'>): string {
  const fields: HeadFields = { store: context.store, seq: parseEntry(line)?.seq ?? 0, hash: sha256Hex(line) };
  return `${JSON.stringify({ ...fields, mac: context.key === undefined ? '' : hmac(context.key, headMacInput(fields)) })}\n`;
}

interface HeadFields {
  store: string;
  seq: number;
  /** sha256 (hex) of line `seq`. */
  hash: string;
}

/** The audit files as read: each undefined when it does not exist. */
export interface AuditFiles {
  log?: string;
  head?: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: AuditEntry[];
  /** The first problem: the 1-based line number where there is one, and what is wrong. */
  broken?: { line?: number; reason: string };
  /** Lines whose MAC could not be checked: their store is gone (destroyed or replaced) or could not be opened. */
  unsigned: number;
}

/** The store whose entries can be authenticated: its id and audit key. */
export interface AuditKey {
  store: string;
  key: string;
}

/**
 * Checks the log and its head. Every line must parse, count up, and chain to the one before;
 * every line of the `current` store must carry its MAC, and once its first line appears
 * every later line must be the current store's, so a line cannot dodge its MAC by naming
 * another store. Lines of earlier stores (destroyed, or replaced by `init --force`) are held
 * by the chain only. With the current store's key, the head must be that store's and its
 * line present and unchanged, and an absent log or head is a break: the store wrote at least
 * its `init` line. Without the key the head, when present, is checked unauthenticated.
 */
export function verifyAuditLog(files: AuditFiles, current: AuditKey | undefined): AuditVerification {
  const lines = files.log === undefined ? [] : files.log.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: AuditEntry[] = [];
  let unsigned = 0;
  let currentSeen = false;
  const fail = (line: number | undefined, reason: string): AuditVerification => ({
    ok: false, entries, broken: { ...(line === undefined ? {} : { line }), reason }, unsigned,
  });
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    const entry = parseEntry(line);
    if (entry === undefined) return fail(number, 'is not an audit entry');
    // A line that carries a valid MAC vouches for its own sequence number and chain link.
    const signed = current !== undefined && entry.store === current.store;
    if (signed) {
      currentSeen = true;
      const { mac, ...fields } = entry;
      if (!sameHex(mac, hmac(current.key, JSON.stringify(orderedUnsigned(fields))))) return fail(number, 'has been edited (its MAC does not match)');
    } else if (currentSeen) {
      return fail(number, 'names another store after the current store\'s entries began (it was edited)');
    } else {
      unsigned += 1;
    }
    if (entry.seq !== number) {
      return fail(number, `has sequence number ${entry.seq}, expected ${number} (${signed ? '' : 'it was edited, or '}lines before it were deleted, inserted or moved)`);
    }
    if (entry.prev !== (index === 0 ? GENESIS : sha256Hex(lines[index - 1]!))) {
      if (index === 0) return fail(number, `does not start the chain (${signed ? '' : 'it was edited, or '}lines before it were removed)`);
      return fail(number, signed
        ? `does not chain to line ${index} (line ${index} was edited or replaced)`
        : `does not chain to line ${index} (line ${index} or ${number} was edited, or a line between them was removed)`);
    }
    entries.push(entry);
  }
  const problem = checkHead(files, lines, current);
  return problem === undefined ? { ok: true, entries, unsigned } : fail(problem.line, problem.reason);
}

/** What is wrong with the head, given lines that chain; undefined when nothing is. */
function checkHead(files: AuditFiles, lines: readonly string[], current: AuditKey | undefined): { line?: number; reason: string } | undefined {
  if (files.head === undefined) {
    if (current === undefined) return undefined;
    return files.log === undefined
      ? { reason: 'audit.log and audit.head are missing, but the store exists (they were removed)' }
      : { reason: 'audit.head is missing, so the end of audit.log cannot be vouched for (it was removed)' };
  }
  const head = parseHead(files.head);
  if (head === undefined) return { reason: 'audit.head is not a valid head (it was edited)' };
  if (current !== undefined && (head.store !== current.store || !sameHex(head.mac, hmac(current.key, headMacInput(head))))) {
    return { reason: 'audit.head does not verify for this store (it was edited or replaced)' };
  }
  if (files.log === undefined) return { reason: `audit.log is missing, but audit.head records ${head.seq} lines (it was removed)` };
  if (head.seq > lines.length) {
    return {
      line: lines.length + 1,
      reason: lines.length === 0
        ? `is missing: the log is empty, but audit.head records ${head.seq} lines (it was emptied)`
        : `is missing: the log ends after line ${lines.length}, but audit.head records ${head.seq} lines (lines were cut off its end)`,
    };
  }
  if (sha256Hex(lines[head.seq - 1]!) !== head.hash) return { line: head.seq, reason: 'is not the line audit.head records (it was edited or replaced)' };
  return undefined;
}

function parseHead(text: string): (HeadFields & { mac: string }) | undefined {
  try {
    const value = JSON.parse(text) as HeadFields & { mac: string };
    const valid = typeof value === 'object' && value !== null && typeof value.store === 'string' &&
      Number.isSafeInteger(value.seq) && value.seq >= 1 && typeof value.hash === 'string' && typeof value.mac === 'string';
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What the head's MAC signs; prefixed so that no log line's MAC can serve as a head's. */
function headMacInput(head: HeadFields): string {
  return `devsecrets/audit-head/v1:${JSON.stringify({ store: head.store, seq: head.seq, hash: head.hash })}`;
}

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const value = JSON.parse(line) as AuditEntry;
    const valid = typeof value === 'object' && value !== null &&
      Number.isSafeInteger(value.seq) && typeof value.time === 'string' && typeof value.action === 'string' &&
      Array.isArray(value.vars) && value.vars.every((name) => typeof name === 'string') &&
      (value.command === undefined || typeof value.command === 'string') &&
      (value.refused === undefined || typeof value.refused === 'string') &&
      Number.isSafeInteger(value.pid) && typeof value.user === 'string' && typeof value.store === 'string' &&
      typeof value.prev === 'string' && typeof value.mac === 'string';
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The unsigned entry with its fields in the order `nextAuditLine` wrote them, so the MAC input is identical. */
function orderedUnsigned(entry: Omit<AuditEntry, 'mac'>): Omit<AuditEntry, 'mac'> {
  return {
    seq: entry.seq,
    time: entry.time,
    action: entry.action,
    vars: entry.vars,
    ...(entry.command === undefined ? {} : { command: entry.command }),
    ...(entry.refused === undefined ? {} : { refused: entry.refused }),
    pid: entry.pid,
    user: entry.user,
    store: entry.store,
    prev: entry.prev,
  };
}

function hmac(keyHex: string, text: string): string {
  return hmacSha256Hex(Buffer.from(keyHex, 'hex'), text);
}

/** The `AUDIT_CHAIN_BROKEN` finding of a verification, shared by `audit --verify` and `doctor`. */
export function auditChainFinding(verification: AuditVerification, path: string): Finding | undefined {
  if (verification.broken === undefined) return undefined;
  return {
    code: 'AUDIT_CHAIN_BROKEN',
    level: 'error',
    path,
    message: verification.broken.line === undefined ? verification.broken.reason : `audit.log line ${verification.broken.line} ${verification.broken.reason}`,
    fix: verification.broken.line === undefined
      ? 'the log was tampered with or damaged: keep a copy of audit.log and audit.head for investigation'
      : 'the log was tampered with or damaged: keep a copy for investigation; entries up to that line are intact',
  };
}
