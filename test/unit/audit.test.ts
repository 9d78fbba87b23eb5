import { describe, expect, it } from 'vitest';
import { nextAuditLine, verifyAuditLog, type AuditEvent } from '../../src/core/audit.js';

const KEY = 'ab'.repeat(32);
const current = { store: 'store-1', key: KEY };
const context = (store = 'store-1', key: string | undefined = KEY) => ({ time: new Date('2026-01-01T00:00:00Z'), pid: 42, user: 'dev', store, key });

function log(events: AuditEvent[], store = 'store-1'): string[] {
  const lines: string[] = [];
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

describe('audit log', () => {
  it('verifies an intact log, with sequence numbers and a chain from the genesis', () => {
    const lines = log(events);
    const result = verifyAuditLog(text(lines), current);
    expect(result).toMatchObject({ ok: true, unsigned: 0 });
    expect(result.entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
    expect(result.entries[1]).toMatchObject({ action: 'run', command: 'node', vars: ['A', 'B'], user: 'dev', pid: 42 });
    expect(verifyAuditLog('', current)).toMatchObject({ ok: true, entries: [] });
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
  ])('catches %s at the exact line', (_what, tamper, line) => {
    const lines = log(events);
    tamper(lines);
    const result = verifyAuditLog(text(lines), current);
    expect(result.ok).toBe(false);
    expect(result.broken?.line).toBe(line);
  });

  it('checks lines of an earlier store by the chain only, and counts them', () => {
    const lines = log(events.slice(0, 2), 'store-0');
    lines.push(nextAuditLine(lines.at(-1), { action: 'init', vars: ['A'] }, context('store-1')));
    expect(verifyAuditLog(text(lines), current)).toMatchObject({ ok: true, unsigned: 2 });
    expect(verifyAuditLog(text(lines), undefined)).toMatchObject({ ok: true, unsigned: 3 });
  });
});
