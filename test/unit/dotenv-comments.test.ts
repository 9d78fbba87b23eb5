/** The comment lines written directly above each dotenv entry, and nothing else. */
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/core/dotenv.js';
import { parseDotenvWithComments } from '../../src/core/dotenv-comments.js';

describe('parseDotenvWithComments', () => {
  it('gives each entry the comment lines right above it', () => {
    const text = [
      '# a file header, apart from the first entry',
      '',
      '# The port.',
      '#',
      '#   indented text stays indented',
      'PORT=3000',
      'NO_COMMENT=1',
      '  # an indented comment',
      'export HOST=localhost # not a comment line',
      '',
      '# separated by a blank line',
      '',
      'LAST=x',
    ].join('\r\n');
    const entries = parseDotenvWithComments(text, '.env.example');
    expect(entries.map(({ name, comments }) => [name, comments])).toEqual([
      ['PORT', ['The port.', '', '  indented text stays indented']],
      ['NO_COMMENT', []],
      ['HOST', ['an indented comment']],
      ['LAST', []],
    ]);
  });

  it('keeps the values, line numbers and refusals of parseDotenv', () => {
    const text = '# c\nA=1\n\n# d\nB="two\nlines"\n';
    expect(parseDotenvWithComments(text, 'f').map(({ comments: _comments, ...entry }) => entry)).toEqual(parseDotenv(text, 'f'));
    expect(() => parseDotenvWithComments('# c\nnot an entry\n', 'f')).toThrow(/f:2 is not KEY=value/);
  });

  it('does not take lines inside a quoted value for comments', () => {
    const text = [
      "CERT='-----BEGIN-----",
      '# part of the value',
      "# still the value'",
      '# a real comment',
      'NEXT=1',
      'QUOTED="a',
      '#b"',
      'AFTER=2',
    ].join('\n');
    const entries = parseDotenvWithComments(text, 'f');
    expect(entries.map(({ name, comments }) => [name, comments])).toEqual([
      ['CERT', []],
      ['NEXT', ['a real comment']],
      ['QUOTED', []],
      ['AFTER', []],
    ]);
    expect(entries[0]?.value).toBe('-----BEGIN-----\n# part of the value\n# still the value');
  });
});
