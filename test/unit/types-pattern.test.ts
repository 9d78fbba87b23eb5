import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeRandom } from '../../src/core/fake-random.js';
import { compileSafeRegex } from '../../src/core/safe-regex.js';
import { compilePatternFake } from '../../src/core/types/pattern-fake.js';

/** The validator's own test: the pattern, in RE2, matching the whole value. */
function matchesWhole(pattern: string, value: string): boolean {
  const regex = compileSafeRegex(pattern);
  if (typeof regex === 'string') throw new Error(`${pattern} ${regex}`);
  return regex.testWhole(value);
}

function samples(pattern: string, minLength?: number, maxLength?: number): string[] {
  const generate = compilePatternFake(pattern, minLength, maxLength);
  if (generate === undefined) throw new Error(`no generator for ${pattern}`);
  return Array.from({ length: 50 }, (_, index) => generate(new FakeRandom(new Uint8Array(16).fill(index), 'P')));
}

describe('compilePatternFake', () => {
  it.each([
    '[a-z]{3,8}',
    '\\d{4}-\\d{2}-\\d{2}',
    '^ghp_[A-Za-z0-9]{36}$',
    '(foo|bar)_[0-9a-f]{8}',
    '(?<kind>live|test)_\\w+',
    '[^,;]+',
    '\\S+@\\S+\\.io',
    'a{,3}',
    'x}]',
    '[-a]\\-[a-]',
    '.{5}',
    '[]a]',
    '[^]a]+',
    'v\\x41\\x{e9}\\.\\/',
    '(?P<env>dev|ci)-\\d',
    '(?:ab|c)*?d??e+?',
    '\\W\\D[\\s\\S]',
    '|a',
    '(?:)*z',
    '(a?){40}',
  ])('generates whole matches of %s', (pattern) => {
    for (const value of samples(pattern)) expect(matchesWhole(pattern, value), value).toBe(true);
  });

  it('meets length bounds by construction', () => {
    for (const value of samples('[a-z]+(-[a-z]+)*', 30, 31)) {
      expect(value).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(value.length).toBeGreaterThanOrEqual(30);
      expect(value.length).toBeLessThanOrEqual(31);
    }
    for (const value of samples('(ab|c)+', 7, 7)) expect(value).toHaveLength(7);
    for (const value of samples('a{200}')) expect(value).toBe('a'.repeat(200));
  });

  it('varies its output', () => {
    expect(new Set(samples('[a-z]{8}')).size).toBeGreaterThan(40);
  });

  it.each([
    'a\\bb',
    '\\p{L}',
    '\\pL+',
    '(?i)abc',
    '(?s:.)',
    '[[:alpha:]]+',
    '\\Qa.b\\E',
    '\\Aa\\z',
    '\\101',
    'a$b',
    'a^',
    '(^a)',
    '[\\d-z]',
    '😀',
    '[😀a]',
    '\\x{1F600}',
  ])('declines RE2 syntax outside the subset: %s', (pattern) => {
    expect(typeof compileSafeRegex(pattern)).toBe('object');
    expect(compilePatternFake(pattern)).toBeUndefined();
  });

  it.each(['[z-a]', 'a{2,1}', 'a{1001}', '(', '*a', 'a**', '[]', '[^]', '(?=a)a', '(?!a)b', '(?<=a)b', '(a)\\1', '\\k<x>', '\\cA', '\\u00e9'])(
    'declines what RE2 refuses: %s',
    (pattern) => {
      expect(typeof compileSafeRegex(pattern)).toBe('string');
      expect(compilePatternFake(pattern)).toBeUndefined();
    },
  );

  it('declines patterns with no match of a practical length', () => {
    expect(compilePatternFake('[a-z]{3}', 4)).toBeUndefined();
    expect(compilePatternFake('[a-z]{3}', 0, 2)).toBeUndefined();
    expect(compilePatternFake('a', undefined, 0)).toBeUndefined();
    expect(compilePatternFake('a{5000}')).toBeUndefined();
    expect(compilePatternFake('(aa)+', 3, 3)).toBeUndefined();
  });
});

/**
 * Random patterns in the supported subset, kept small. The oracle is the validator's RE2
 * regex, which never backtracks, so groups take unbounded quantifiers too.
 */
const charAtomArb = fc.oneof(
  fc.constantFrom('a', 'Z', '0', '_', '-', ' ', ',', ':', '@', '/', 'é', '{', '}', ']', '\\.', '\\-', '\\/', '\\$', '\\^', '\\(', '\\{', '\\#'),
  fc.constantFrom('\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '.', '\\t', '\\x41', '\\x{e9}'),
  fc.constantFrom('[a-z]', '[A-Z0-9_-]', '[^,]', '[^\\s]', '[\\d.]', '[^a-z]', '[]a]', '[^]]', '[x-z\\d]', '[\\]\\\\]', '[\\w-]', '[a-c-e]'),
);
const anyQuantifierArb = fc.constantFrom('', '', '?', '*', '+', '{2}', '{1,3}', '{0,}', '{2,}', '*?', '??', '{,2}');

const patternArb = fc.letrec<{ alternation: string; sequence: string; group: string }>((tie) => ({
  alternation: fc.array(tie('sequence'), { minLength: 1, maxLength: 3 }).map((options) => options.join('|')),
  sequence: fc
    .array(
      fc.oneof(
        { maxDepth: 2, withCrossShrink: true },
        fc.tuple(charAtomArb, anyQuantifierArb),
        fc.tuple(tie('group'), anyQuantifierArb),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((items) => items.map(([atom, quantifier]) => atom + quantifier).join('')),
  group: fc.oneof(
    tie('alternation').map((inner) => `(${inner})`),
    tie('alternation').map((inner) => `(?:${inner})`),
  ),
}));

const anchoredPatternArb = fc
  .tuple(fc.boolean(), patternArb.alternation.filter((pattern) => pattern.length <= 60), fc.boolean())
  .map(([start, body, end]) => `${start ? '^' : ''}${body}${end ? '$' : ''}`);

describe('compilePatternFake properties', () => {
  it('every pattern in the subset yields whole matches within the bounds', () => {
    fc.assert(
      fc.property(
        anchoredPatternArb,
        fc.option(fc.nat(20), { nil: undefined }),
        fc.option(fc.nat(40), { nil: undefined }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (pattern, minLength, maxLength, seed) => {
          const generate = compilePatternFake(pattern, minLength, maxLength);
          if (minLength === undefined && maxLength === undefined) expect(generate).toBeDefined();
          if (generate === undefined) return;
          const value = generate(new FakeRandom(seed, 'P'));
          expect(matchesWhole(pattern, value), value).toBe(true);
          expect(value.length).toBeGreaterThanOrEqual(minLength ?? 0);
          expect(value.length).toBeLessThanOrEqual(maxLength ?? Infinity);
        },
      ),
      { numRuns: 500 },
    );
  });
});
