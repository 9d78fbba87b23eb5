import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSafeRegex, ecmaScriptPattern, type RegexFlags, type SafeRegex } from '../../src/core/safe-regex.js';

function compiled(source: string, flags?: RegexFlags): SafeRegex {
  const regex = compileSafeRegex(source, flags);
  if (typeof regex === 'string') throw new Error(`${source} ${regex}`);
  return regex;
}

describe('compileSafeRegex: the RE2 dialect', () => {
  it.each([
    // pattern, matches whole, does not
    ['[a-z]+', 'abc', 'abc1'],
    ['\\d{2,3}', '123', '1234'],
    ['\\s', '\t', '\v'], // \s is [\t\n\f\r ], without \v or Unicode spaces
    ['.', '\r', '\n'], // . is anything but \n
    ['.', '😀', ''], // one character, even outside the BMP
    ['[]a]+', ']a]', '['], // a ] first in a class is a member
    ['(?i)abc', 'AbC', 'abd'],
    ['\\pL+', 'été', 'e1'],
    ['[[:alpha:]]+', 'abc', 'a-c'],
    ['\\Qa.b\\E', 'a.b', 'axb'],
    ['(?P<env>dev|ci)-(?<n>\\d)', 'ci-1', 'ci-x'],
    ['\\x{e9}\\x41', 'éA', 'eA'],
    ['a{,3}', 'a{,3}', 'aaa'], // not a repeat: literal braces
  ])('%s matches %j as a whole, not %j', (source, yes, no) => {
    expect(compiled(source).testWhole(yes)).toBe(true);
    expect(compiled(source).testWhole(no)).toBe(false);
  });

  it('searches with test and anchors with testWhole', () => {
    expect(compiled('b+').test('abbc')).toBe(true);
    expect(compiled('b+').testWhole('abbc')).toBe(false);
    expect(compiled('^b').test('ab')).toBe(false);
  });

  it('applies flags', () => {
    expect(compiled('ab', { ignoreCase: true }).test('xAB')).toBe(true);
    expect(compiled('^b$', { multiline: true }).test('a\nb\nc')).toBe(true);
    expect(compiled('a.b', { dotAll: true }).testWhole('a\nb')).toBe(true);
    expect(compiled('a.b').testWhole('a\nb')).toBe(false);
  });

  it.each([
    ['(a)\\1', /^uses a backreference \(\\1 or \\k<name>\): manifest regexes are RE2 syntax/],
    ['(?<x>a)\\k<x>', /^uses a backreference/],
    ['(?=a)a', /^uses a lookahead \(\?=…\) or \(\?!…\)/],
    ['(?!a)b', /^uses a lookahead/],
    ['(?<=a)b', /^uses a lookbehind \(\?<=…\) or \(\?<!…\)/],
    ['(?<!a)b', /^uses a lookbehind/],
    ['\\u00e9', /^uses \\u, which RE2 syntax spells \\x\{…\}/],
    ['[^]', /^is not a valid RE2 regular expression \(missing closing \]: `\[\^\]`\)$/],
    ['a{1001}', /invalid repeat count/],
    ['((a{100}){100}){100}', /invalid repeat count/],
    ['a++', /invalid nested repetition operator/],
    ['\\cA', /invalid escape sequence: `\\c`/],
  ])('refuses %s, naming the construct', (source, reason) => {
    expect(compileSafeRegex(source)).toMatch(reason);
  });

  it('returns the same compiled regex for the same source and flags', () => {
    expect(compileSafeRegex('a+')).toBe(compileSafeRegex('a+'));
    expect(compileSafeRegex('a+', { ignoreCase: true })).not.toBe(compileSafeRegex('a+'));
  });
});

describe('ecmaScriptPattern', () => {
  it.each([
    ['[a-z]+\\d{2,}', '[a-z]+\\d{2,}'],
    ['^sk_(test|live)_\\w{24}$', '^sk_(test|live)_\\w{24}$'],
    ['a.b', 'a[^\\n]b'],
    ['\\s+\\S', '[\\t\\n\\f\\r ]+[^\\t\\n\\f\\r ]'],
    ['[\\s,]', '[\\t\\n\\f\\r ,]'],
    ['(?P<env>dev)', '(?<env>dev)'],
    ['[]a]', '[\\]a]'],
    ['[^]a]', '[^\\]a]'],
    ['a{,3}}', 'a\\{,3\\}\\}'],
    ['\\x{1F600}\\x41', '\\u{1F600}\\x41'],
    ['\\-\\#[\\-\\#]', '-#[\\-#]'],
    ['', ''],
  ])('spells %s as %s', (pattern, spelled) => {
    expect(ecmaScriptPattern(pattern)).toBe(spelled);
  });

  it.each(['(?i)a', '(?s:.)', '\\pL', '\\p{Greek}', '[[:alpha:]]', '\\Qa\\E', '\\Aa\\z', '\\101', '[\\S]', '[\\d-z]', '(a)\\1', '(?=a)'])(
    'has no plain ECMAScript spelling for %s',
    (pattern) => expect(ecmaScriptPattern(pattern)).toBeUndefined(),
  );
});

/**
 * Random RE2 patterns over a small alphabet, mixing what both dialects share with what
 * they read differently (`.`, `\s`, a `]` first in a class, literal braces, `(?P<`).
 */
const atomArb = fc.constantFrom(
  'a', 'b', ' ', '\n', '\r', '\v', '\u2028', '-', '{', '}', ']', 'é', '😀',
  '.', '\\s', '\\S', '\\d', '\\w', '\\W', '\\b', '\\.', '\\-', '\\#', '\\x{e9}', '\\x61',
  '[ab]', '[^a]', '[]a]', '[^]\\s]', '[a-c-e]', '[\\s\\d]', '[\\-#]', '(?:a|b)', '(?P<n>a)', '(b)', '^', '$',
);
const quantifierArb = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{1,2}', '{,2}', '*?');
const re2PatternArb = fc
  .array(fc.tuple(atomArb, quantifierArb), { minLength: 1, maxLength: 5 })
  .map((items) => items.map(([atom, quantifier]) => atom + quantifier).join(''))
  .filter((pattern) => typeof compileSafeRegex(pattern) !== 'string');
const textArb = fc
  .array(fc.constantFrom('a', 'b', 'c', ' ', '\n', '\r', '\t', '\v', '\u00a0', '\u2028', '-', '{', '}', ']', '#', 'é', '😀', '2'), { maxLength: 6 })
  .map((chars) => chars.join(''));

describe('ecmaScriptPattern properties', () => {
  it('matches exactly what RE2 matches, wherever it has a spelling', () => {
    let spelled = 0;
    fc.assert(
      fc.property(re2PatternArb, fc.array(textArb, { minLength: 1, maxLength: 8 }), (pattern, texts) => {
        const source = ecmaScriptPattern(pattern);
        if (source === undefined) return;
        spelled++;
        const ecma = new RegExp(source, 'u');
        const whole = new RegExp(`^(?:${source})$`, 'u');
        for (const text of texts) {
          expect(ecma.test(text), `${pattern} → ${source} on ${JSON.stringify(text)}`).toBe(compiled(pattern).test(text));
          expect(whole.test(text), `${pattern} → ${source} on ${JSON.stringify(text)}`).toBe(compiled(pattern).testWhole(text));
        }
      }),
      { numRuns: 1000 },
    );
    // Most generated patterns have a spelling: the property is not vacuous.
    expect(spelled).toBeGreaterThan(500);
  });
});
