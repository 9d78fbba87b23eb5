import { describe, expect, it } from 'vitest';
import { auditHeadFor, nextAuditLine, verifyAuditLog, type AuditEvent, type AuditFiles } from '../../src/core/audit.js';

const KEY = 'ab'.repeat(32);
const current = { store: 'store-1', key: KEY };
const context = (store = 'store-1', key: string | undefined = KEY) => ({ time: new Date('2026-01-01T00:00:00Z'), pid: 42, user: 'dev', store, key });

function log(events: AuditEvent[], store = 'store-1', lines: string[] = []): string[] {
  for (const event of events) lines.push(nextAuditLine(lines.at(-1), event, context(store)));
  return lines;
}

const events: AuditEvent[] = [
  { action: 'init', vars: ['A', 'B'] },
  { action: 'run', vars: ['A', 'B'], command: 'node' },
  { action: 'set', vars: ['A'] },
  { action: 'get', vars: ['B'] },
];
const text = (lines: string[]): string => `${lines.join('\n')}\n`;
/** The log as written: its lines, and the head of the line at `headAt` (the last by default). */
const files = (lines: string[], headAt = lines.length, store = 'store-1'): AuditFiles => ({ log: text(lines), head: auditHeadFor(lines[headAt - 1]!, context(store)) });

describe('audit log', () => {
  it('verifies an intact log, with sequence numbers and a chain from the genesis', () => {
    const lines = log(events);
    const result = verifyAuditLog(files(lines), current);
    expect(result).toMatchObject({ ok: true, unsigned: 0 });
    expect(result.entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
    expect(result.entries[1]).toMatchObject({ action: 'run', command: 'node', vars: ['A', 'B'], user: 'dev', pid: 42 });
    expect(verifyAuditLog({}, undefined)).toMatchObject({ ok: true, entries: [] });
  });

  it.each([
    ['an edited line', (lines: string[]) => { lines[1] = lines[1]!.replace('"run"', '"get"'); }, 2],
    ['an edited last line', (lines: string[]) => { lines[3] = lines[3]!.replace('"B"', '"C"'); }, 4],
    ['a deleted line', (lines: string[]) => { lines.splice(1, 1); }, 2],
    ['an inserted line', (lines: string[]) => { lines.splice(2, 0, lines[1]!); }, 3],
    ['reordered lines', (lines: string[]) => { [lines[1], lines[2]] = [lines[2]!, lines[1]!]; }, 2],
    ['a garbage line', (lines: string[]) => { lines[2] = 'not json'; }, 3],
    ['a last line that claims another store to dodge its MAC', (lines: string[]) => {
      lines[3] = lines[3]!.replace('"store":"store-1"', '"store":"store-0"');
    }, 4],
    ['a cut-off last line', (lines: string[]) => { lines.pop(); }, 4],
    ['two cut-off lines', (lines: string[]) => { lines.splice(2); }, 3],
  ])('catches %s at the exact line', (_what, tamper, line) => {
    const lines = log(events);
    const head = files(lines).head;
    tamper(lines);
    const result = verifyAuditLog({ log: text(lines), head }, current);
    expect(result.ok).toBe(false);
    expect(result.broken?.line).toBe(line);
  });

  it('catches a log rewritten whole under another store id with recomputed hashes', () => {
    const original = files(log(events));
    const forged = log(events, 'store-0');
    // The head left as it was, removed, or forged for the other store: each is caught.
    expect(verifyAuditLog({ log: text(forged), head: original.head }, current).broken).toEqual({ line: 4, reason: 'is not the line audit.head records (it was edited or replaced)' });
    expect(verifyAuditLog({ log: text(forged) }, current).broken?.reason).toMatch(/^audit\.head is missing/);
    expect(verifyAuditLog(files(forged, forged.length, 'store-0'), current).broken?.reason).toBe('audit.head does not verify for this store (it was edited or replaced)');
    const otherKeyHead = auditHeadFor(forged.at(-1)!, context('store-1', 'cd'.repeat(32)));
    expect(verifyAuditLog({ log: text(forged), head: otherKeyHead }, current).ok).toBe(false);
  });

  it('catches an emptied or removed log, and a removed head, while the store exists', () => {
    const { head } = files(log(events));
    expect(verifyAuditLog({ log: '', head }, current).broken).toEqual({ line: 1, reason: 'is missing: the log is empty, but audit.head records 4 lines (it was emptied)' });
    expect(verifyAuditLog({ head }, current).broken).toEqual({ reason: 'audit.log is missing, but audit.head records 4 lines (it was removed)' });
    expect(verifyAuditLog({}, current).broken?.reason).toBe('audit.log and audit.head are missing, but the store exists (they were removed)');
    // Without the store's key the head is still held to its line, unauthenticated.
    expect(verifyAuditLog({ log: '', head }, undefined).broken?.line).toBe(1);
  });

  it('allows a line past the head: a crash between writing the line and the head', () => {
    const lines = log(events);
    expect(verifyAuditLog(files(lines, 3), current)).toMatchObject({ ok: true });
    lines[3] = lines[3]!.replace('"B"', '"C"');
    expect(verifyAuditLog(files(lines, 3), current).broken?.line).toBe(4);
  });

  it('numbers the next line after the head, so a cut stays visible once the log grows again', () => {
    const lines = log(events);
    const head = files(lines).head;
    lines.splice(2);
    lines.push(nextAuditLine(lines.at(-1), { action: 'run', vars: [], command: 'true' }, context(), head));
    const result = verifyAuditLog(files(lines), current);
    expect(result.broken).toEqual({ line: 3, reason: 'has sequence number 5, expected 3 (lines before it were deleted, inserted or moved)' });
  });

  it('says which lines may be at fault when a chain link breaks without the key', () => {
    const lines = log(events, 'store-0');
    lines[1] = lines[1]!.replace('"node"', '"npm"');
    expect(verifyAuditLog(files(lines, 4, 'store-0'), undefined).broken).toEqual({
      line: 3, reason: 'does not chain to line 2 (line 2 or 3 was edited, or a line between them was removed)',
    });
  });

  it('checks lines of an earlier store by the chain only, and counts them', () => {
    const lines = log(events.slice(0, 2), 'store-0');
    log([{ action: 'init', vars: ['A'] }], 'store-1', lines);
    expect(verifyAuditLog(files(lines), current)).toMatchObject({ ok: true, unsigned: 2 });
    expect(verifyAuditLog(files(lines), undefined)).toMatchObject({ ok: true, unsigned: 3 });
  });
});
