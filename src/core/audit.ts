/**
 * The audit log's format and its verification. One JSON line per access; each line holds
 * the sha256 of the line before it (a hash chain: deleting, inserting or reordering lines
 * breaks it) and an HMAC under the store's secret audit key (editing any line, the last
 * one included, breaks it). Lines name variables, never values.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Finding } from './findings.js';

export type AuditAction = 'init' | 'run' | 'get' | 'set' | 'unset' | 'rotate' | 'sync' | 'import' | 'destroy';

/** What a command records; the chain fields are added by `nextAuditLine`. */
export interface AuditEvent {
  action: AuditAction;
  vars: string[];
  /** For `run`: the command's name, never its arguments. */
  command?: string;
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

/** The line to append after `previousLine` (undefined for an empty log), without a newline. */
export function nextAuditLine(previousLine: string | undefined, event: AuditEvent, context: AuditContext): string {
  let seq = 1;
  if (previousLine !== undefined) {
    const previous = parseEntry(previousLine);
    seq = (previous?.seq ?? 0) + 1;
  }
  const entry: Omit<AuditEntry, 'mac'> = {
    seq,
    time: context.time.toISOString(),
    action: event.action,
    vars: event.vars,
    ...(event.command === undefined ? {} : { command: event.command }),
    pid: context.pid,
    user: context.user,
    store: context.store,
    prev: previousLine === undefined ? GENESIS : sha256(previousLine),
  };
  const unsigned = JSON.stringify(entry);
  return JSON.stringify({ ...entry, mac: context.key === undefined ? '' : hmac(context.key, unsigned) });
}

export interface AuditVerification {
  ok: boolean;
  entries: AuditEntry[];
  /** The first problem: 1-based line number and what is wrong there. */
  broken?: { line: number; reason: string };
  /** Lines whose MAC could not be checked: their store is gone (destroyed or replaced) or could not be opened. */
  unsigned: number;
}

/** The store whose entries can be authenticated: its id and audit key. */
export interface AuditKey {
  store: string;
  key: string;
}

/**
 * Checks the whole log: every line parses, sequence numbers count up, the chain links, and
 * every line of the `current` store carries its MAC. Lines of earlier stores (destroyed or
 * replaced by `init --force`) are held by the chain only; once the current store's first
 * line appears, every later line must be the current store's, so the last line cannot
 * dodge its MAC by naming another store.
 */
export function verifyAuditLog(text: string, current: AuditKey | undefined): AuditVerification {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: AuditEntry[] = [];
  let unsigned = 0;
  let currentSeen = false;
  const fail = (line: number, reason: string): AuditVerification => ({ ok: false, entries, broken: { line, reason }, unsigned });
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    const entry = parseEntry(line);
    if (entry === undefined) return fail(number, 'is not an audit entry');
    if (entry.seq !== number) return fail(number, `has sequence number ${entry.seq}, expected ${number} (a line was deleted, inserted or moved)`);
    const expectedPrev = index === 0 ? GENESIS : sha256(lines[index - 1]!);
    if (entry.prev !== expectedPrev) return fail(number, 'does not chain to the line before it (that line was edited, or lines were moved)');
    if (current !== undefined && entry.store === current.store) {
      currentSeen = true;
      const { mac, ...fields } = entry;
      if (!sameHex(mac, hmac(current.key, JSON.stringify(orderedUnsigned(fields))))) return fail(number, 'has been edited (its MAC does not match)');
    } else if (currentSeen) {
      return fail(number, 'names another store after the current store\'s entries began (it was edited)');
    } else {
      unsigned += 1;
    }
    entries.push(entry);
  }
  return { ok: true, entries, unsigned };
}

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const value = JSON.parse(line) as AuditEntry;
    const valid = typeof value === 'object' && value !== null &&
      Number.isSafeInteger(value.seq) && typeof value.time === 'string' && typeof value.action === 'string' &&
      Array.isArray(value.vars) && value.vars.every((name) => typeof name === 'string') &&
      (value.command === undefined || typeof value.command === 'string') &&
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
    pid: entry.pid,
    user: entry.user,
    store: entry.store,
    prev: entry.prev,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(keyHex: string, text: string): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(text).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** The `AUDIT_CHAIN_BROKEN` finding of a verification, shared by `audit --verify` and `doctor`. */
export function auditChainFinding(verification: AuditVerification, path: string): Finding | undefined {
  if (verification.broken === undefined) return undefined;
  return {
    code: 'AUDIT_CHAIN_BROKEN',
    level: 'error',
    path,
    message: `audit.log line ${verification.broken.line} ${verification.broken.reason}`,
    fix: 'the log was tampered with or damaged: keep a copy for investigation; entries up to that line are intact',
  };
}
