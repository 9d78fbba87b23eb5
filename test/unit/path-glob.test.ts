/**
 * `--watch-path` globs: the folder to watch, what matches below it, and which folders may hold
 * a match (those the watcher must enter). On short inputs a regex spelling of the same rules
 * is a fine oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePathGlob } from '../../src/core/path-glob.js';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `^…$` over the path's segments each followed by `/`: `**` is any number of segments. */
function oracle(rest: string[]): RegExp {
  const parts = rest.map((segment) => (segment === '**' ? '(?:[^/]+/)*' : `${[...segment].map((char) => (char === '*' ? '[^/]*' : char === '?' ? '[^/]' : escape(char))).join('')}/`));
  return new RegExp(`^${parts.join('')}$`);
}

/** The oracle's answer: the path or one of its folders matches. */
function oracleMatches(rest: string[], path: string[]): boolean {
  const regex = oracle(rest);
  for (let length = 0; length <= path.length; length += 1) {
    if (regex.test(path.slice(0, length).map((segment) => `${segment}/`).join(''))) return true;
  }
  return false;
}

describe('--watch-path globs', () => {
  it.each([
    ['src/**', 'src'],
    ['src/*.ts', 'src'],
    ['src/app.ts', 'src/app.ts'],
    ['./config/*.yml', 'config'],
    ['**/*.ts', '.'],
    ['*.js', '.'],
    ['../shared/lib/**/x?.ts', '../shared/lib'],
    ['/etc/app/*.conf', '/etc/app'],
  ])('%s watches %s', (glob, base) => {
    expect(compilePathGlob(glob).base).toBe(base);
  });

  it('matches below its folder, and covers what is inside a match', () => {
    const ts = compilePathGlob('src/**/*.ts');
    expect(ts.matches('app.ts')).toBe(true);
    expect(ts.matches('a/b/app.ts')).toBe(true);
    expect(ts.matches('app.js')).toBe(false);
    expect(ts.matches('a/app.tsx')).toBe(false);
    const folder = compilePathGlob('src');
    expect(folder.matches('')).toBe(true);
    expect(folder.matches('a/b/c.txt')).toBe(true);
    const star = compilePathGlob('config/*');
    expect(star.matches('app.yml')).toBe(true);
    expect(star.matches('nested/deep.yml')).toBe(true);
    expect(star.matches('')).toBe(false);
  });

  it('enters only the folders that may hold a match', () => {
    const glob = compilePathGlob('*/views/*.html');
    expect(glob.mayHoldMatch('admin')).toBe(true);
    expect(glob.mayHoldMatch('admin/views')).toBe(true);
    expect(glob.mayHoldMatch('admin/models')).toBe(false);
    expect(compilePathGlob('**/*.ts').mayHoldMatch('any/depth/at/all')).toBe(true);
  });

  it('means what the regex spelling means', () => {
    // `.` and `..` never reach a matcher as segments: globs drop `.`, watched paths are normalised.
    const plain = (text: string): boolean => text !== '.' && text !== '..';
    const segment = fc.array(fc.constantFrom('a', 'b', '.', '*', '?'), { minLength: 1, maxLength: 4 }).map((chars) => chars.join('')).filter(plain);
    const globArb = fc.array(fc.oneof(segment, fc.constant('**')), { minLength: 1, maxLength: 4 });
    const pathArb = fc.array(fc.array(fc.constantFrom('a', 'b', '.', 'c'), { minLength: 1, maxLength: 4 }).map((chars) => chars.join('')).filter(plain), { maxLength: 5 });
    fc.assert(
      fc.property(globArb, fc.array(pathArb, { minLength: 1, maxLength: 6 }), (segments, paths) => {
        // A leading wildcard keeps every segment in the matcher, so the oracle sees the same glob.
        const glob = compilePathGlob(['*', ...segments].join('/'));
        const rest = ['*', ...segments];
        for (const path of paths) {
          const relative = path.join('/');
          expect(glob.matches(relative), `${rest.join('/')} on ${relative}`).toBe(oracleMatches(rest, path));
          // A folder holding a match is always entered.
          for (let length = 0; length < path.length; length += 1) {
            if (glob.matches(relative)) expect(glob.mayHoldMatch(path.slice(0, length).join('/'))).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays fast on many stars (no backtracking blow-up)', () => {
    const glob = compilePathGlob(`${'*a'.repeat(30)}*b/**/${'*a'.repeat(30)}*b`);
    const long = 'a'.repeat(2000);
    const started = performance.now();
    expect(glob.matches(`${long}/${long}/${long}`)).toBe(false);
    // A safety net, not a measurement: an exponential walk would take hours.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
