import { describe, expect, it } from 'vitest';
import { dotenvToRecord, parseDotenv } from '../../src/core/dotenv.js';
import { DevsecretsError } from '../../src/core/errors.js';

const parse = (text: string): Record<string, string> => dotenvToRecord(parseDotenv(text, '.env'));

describe('parseDotenv', () => {
  it('reads the common dialect', () => {
    const text = [
      '# comment',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = padded   ',
      'TRAILING=value # comment',
      'HASH=a#b',
      "SINGLE='literal \\n $HOME'",
      'DOUBLE="line1\\nline2 \\"quoted\\""',
      'MULTI="first',
      'second"',
      'BACKTICK=`it\'s "both"`',
      'EMPTY=',
      'PEM="-----BEGIN PRIVATE KEY-----',
      'abc',
      '-----END PRIVATE KEY-----"',
      '',
    ].join('\n');
    expect(parse(text)).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'padded',
      TRAILING: 'value',
      HASH: 'a#b',
      SINGLE: 'literal \\n $HOME',
      DOUBLE: 'line1\nline2 "quoted"',
      MULTI: 'first\nsecond',
      BACKTICK: 'it\'s "both"',
      EMPTY: '',
      PEM: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    });
  });

  it('lets the last definition win and handles CRLF', () => {
    expect(parse('A=1\r\nA=2\r\n')).toEqual({ A: '2' });
  });

  it('keeps line numbers across multi-line values', () => {
    const entries = parseDotenv('A="x\ny"\nB=2\n', '.env');
    expect(entries.map((entry) => [entry.name, entry.line])).toEqual([['A', 1], ['B', 3]]);
  });

  it('names the line of an error without quoting it', () => {
    const secret = 'hunter2-very-secret';
    for (const text of [`A=1\nB="${secret}`, `A=1\n${secret}`]) {
      let caught: unknown;
      try {
        parseDotenv(text, '.env');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DevsecretsError);
      expect((caught as DevsecretsError).message).toMatch(/^\.env:2 /);
      expect((caught as DevsecretsError).message).not.toContain(secret);
    }
  });
});
