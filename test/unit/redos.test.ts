/**
 * Manifest regexes that cannot hang: the classic catastrophic patterns, forbid rules and
 * host globs against inputs that make a backtracking engine spin for ever, put through the
 * core directly. The core runs in a worker thread (test/helpers/worker.ts), so a regression
 * to a backtracking engine fails this file by its test timeout instead of freezing it.
 */
import { describe, expect, it } from 'vitest';
import type { RedosCase, RedosOutcome } from '../helpers/redos-worker.js';
import { runInWorker } from '../helpers/worker.js';

const a = (count: number): string => 'a'.repeat(count);

/** Each pattern, an input that makes backtracking explode, and inputs that match. */
const PATTERNS: readonly (readonly [string, string, ...string[]])[] = [
  ['(a+)+$', `${a(34)}!`, a(34)],
  ['(a|a)*$', `${a(40)}!`, a(3)],
  ['(a|aa)+$', `${a(50)}!`, a(5)],
  ['^(\\w+\\s?)*$', `${a(40)}!`, 'hello big world'],
  ['(.*a){20}', `${a(40)}!`, a(20), 'xa'.repeat(20)],
  ['(a*)*b', a(45), 'aaab'],
  ['((a+)+)+c', `${a(40)}!`, 'aac'],
  ['([a-z]+)*[0-9]', `${a(45)}!`, 'abc7'],
];

function run(cases: RedosCase[]): Promise<RedosOutcome[]> {
  return runInWorker<RedosOutcome[]>('test/helpers/redos-worker.ts', cases);
}

describe('catastrophic patterns, through the core', () => {
  it('checks each string pattern, generates its fake and judges adversarial input, in linear time', async () => {
    const outcomes = await run(PATTERNS.map(([pattern, ...inputs]) => ({ spec: { type: 'string', pattern }, inputs })));
    PATTERNS.forEach(([pattern, _adversarial, ...matching], index) => {
      expect(outcomes[index]).toEqual({
        problems: [],
        fakeReason: undefined,
        reasons: [`must match the pattern ${pattern}`, ...matching.map(() => undefined)],
        insecure: [undefined, ...matching.map(() => undefined)],
      });
    });
  });

  it('applies catastrophic forbid regexes and globs in linear time', async () => {
    const spec = { type: 'string' } as const;
    const outcomes = await run([
      { spec, forbid: '/^(a+)+$/', inputs: [`${a(40)}!`, a(40)] },
      { spec, forbid: '/(a|aa)+$/i', inputs: [`${a(50)}!`, `x${a(50).toUpperCase()}`] },
      { spec, forbid: '/^(\\w+\\s?)*$/', inputs: [`${a(40)}!`, 'hello big world'] },
      { spec, forbid: '/(.*a){20}$/', inputs: [`${a(40)}!`, 'xa'.repeat(20)] },
      { spec, forbid: `${'*a'.repeat(12)}*b`, inputs: [a(50), `${a(12)}b`] },
    ]);
    for (const [index, outcome] of outcomes.entries()) {
      expect(outcome?.problems, `case ${index}`).toEqual([]);
      expect(outcome?.insecure[0], `case ${index}`).toBeUndefined();
      expect(outcome?.insecure[1], `case ${index}`).toMatch(/^matches the manifest's forbid rule /);
    }
  });

  it('matches url host globs with many wildcards in linear time', async () => {
    const [outcome] = await run([
      {
        spec: { type: 'url', host: [`${'*'.repeat(12)}.x`, '*.*.*.*.*.*.*.*.*.*.*.*.x'] },
        inputs: [`https://${a(40)}.y/`, `https://${'a.'.repeat(30)}y/`, `https://${a(40)}.x/`, `https://${'a.'.repeat(30)}x/`],
      },
    ]);
    const refused = 'must have a host matching one of: ************.x, *.*.*.*.*.*.*.*.*.*.*.*.x';
    expect(outcome).toEqual({ problems: [], fakeReason: undefined, reasons: [refused, refused, undefined, undefined], insecure: [undefined, undefined, undefined, undefined] });
  });

  it('refuses lookaround and backreferences as manifest problems that name the construct', async () => {
    const outcomes = await run([
      { spec: { type: 'string', pattern: '(a)\\1' }, inputs: ['aa'] },
      { spec: { type: 'string', pattern: '(?=a)\\w+' }, inputs: ['ab'] },
      { spec: { type: 'string' }, forbid: '/(?<=sk_)live/', inputs: ['sk_live'] },
    ]);
    expect(outcomes.map((outcome) => outcome.problems)).toEqual([
      [expect.stringMatching(/^pattern uses a backreference \(\\1 or \\k<name>\): manifest regexes are RE2 syntax/)],
      [expect.stringMatching(/^pattern uses a lookahead \(\?=…\) or \(\?!…\): /)],
      [expect.stringMatching(/^"\/\(\?<=sk_\)live\/" uses a lookbehind \(\?<=…\) or \(\?<!…\): /)],
    ]);
    // A validator compiled anyway refuses every value rather than guess.
    expect(outcomes[0]?.reasons).toEqual(['cannot be checked: the pattern in the manifest is invalid']);
  });
});
