import { describe, expect, it } from 'vitest';
import { dotenvToRecord, parseDotenv, parseDotenvAnnotated } from '../../src/core/dotenv.js';
import { DevsecretsError } from '../../src/core/errors.js';

const parse = (text: string): Record<string, string> => dotenvToRecord(parseDotenv(text, '.env'));

function refusal(text: string): string {
  try {
    parseDotenv(text, '.env');
  } catch (error) {
    expect(error).toBeInstanceOf(DevsecretsError);
    return (error as DevsecretsError).message;
  }
  throw new Error(`accepted ${JSON.stringify(text)}`);
}

describe('parseDotenv', () => {
  // Each expected value is what dotenv 17.4.2 (and 16.6.1) `parse` returns for the text.
  it.each([
    ['an unquoted value ends at #', 'A=a#b', 'a'],
    ['an unquoted value is trimmed', 'A=  spaced out  ', 'spaced out'],
    ['a lone # is a comment', 'A=#', ''],
    ['empty', 'A=', ''],
    ['empty double quotes', 'A=""', ''],
    ['empty single quotes', "A=''", ''],
    ['an escaped double quote stays as written', 'A="a\\"b"', 'a\\"b'],
    ['a Windows path in double quotes stays as written', 'A="C:\\Users\\tmp"', 'C:\\Users\\tmp'],
    ['\\t and \\$ stay literal in double quotes', 'A="tab\\tkept \\$HOME"', 'tab\\tkept \\$HOME'],
    ['\\n and \\r expand in double quotes', 'A="one\\ntwo\\rthree"', 'one\ntwo\rthree'],
    ['a backslash before \\n is kept', 'A="back\\\\nslash"', 'back\\\nslash'],
    ['single quotes are literal', "A='single \\n $HOME \\t'", 'single \\n $HOME \\t'],
    ['an escaped single quote stays as written', "A='it\\'s'", "it\\'s"],
    ['backticks are literal and may hold both quotes', 'A=`back "tick" \'quote\' \\n`', 'back "tick" \'quote\' \\n'],
    ['double quotes span lines', 'A="first\nsecond"', 'first\nsecond'],
    ['single quotes span lines', "A='first\nsecond'", 'first\nsecond'],
    ['backticks span lines', 'A=`first\nsecond`', 'first\nsecond'],
    ['export prefix', 'export A=exported', 'exported'],
    ['spaces around export, =, and after the quote', 'export   A = "padded"  ', 'padded'],
    ['a comment after a quoted value', 'A="x" # comment', 'x'],
    ['a comment right after a quote', "A='x'#comment", 'x'],
    ['the KEY: value form', 'A: colon form', 'colon form'],
    ['no ${VAR} expansion, unquoted', 'A=${B}', '${B}'],
    ['no ${VAR} expansion, quoted', 'A="${B}"', '${B}'],
    ['= inside a value', 'A=b=c', 'b=c'],
    ['spaces inside quotes are kept', 'A="  inner spaces  "', '  inner spaces  '],
    ['the last definition wins', 'A=1\nA=2', '2'],
    ['CRLF line ends', 'A=1\r\nB=2\r\n', '1'],
    ['comments and blank lines', '# comment\n\n  # indented comment\nA=1 # trailing\n', '1'],
    ['a PEM block', 'A="-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"', '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----'],
  ])('%s', (_what, text, value) => {
    expect(parse(text).A).toBe(value);
  });

  it('takes keys as dotenv does (dots and dashes too)', () => {
    expect(parse('A.B-C=dots\n_x=1')).toEqual({ 'A.B-C': 'dots', _x: '1' });
  });

  it('keeps line numbers across multi-line values', () => {
    const entries = parseDotenv('A="x\ny"\nB=2\n', '.env');
    expect(entries.map((entry) => [entry.name, entry.line])).toEqual([['A', 1], ['B', 3]]);
  });

  // dotenv reads each of these as something other than what the file seems to say
  // (noted: what dotenv 17.4.2 returns), so they are refused by line number.
  it.each([
    ['an unterminated quote ({A: \'"unterminated\', B: "2"})', 'A="unterminated\nB=2', '.env:1 has an unterminated " quote'],
    ['text after the closing quote ({A: "\'x\' y"})', "A='x' y", '.env:1 has text after the closing quote'],
    ['the same quote inside ({A: "it\'s"})', "A='it's'", '.env:1 has text after the closing quote'],
    ['a closing quote on a later line, then text', 'A="a\nb" c', '.env:2 has text after the closing quote'],
    ['a line that is not KEY=value (skipped)', 'A=1\nnot a pair', '.env:2 is not KEY=value'],
    ['export without a value (skipped)', 'export A', '.env:1 is not KEY=value'],
    ['a quoted line after an empty KEY= ({A: "next line"})', 'A=\n"next line"', '.env:2 is not KEY=value'],
    ['KEY: at the end of a line ({A: "B=c"})', 'A:\nB=c', '.env:1 is not KEY=value'],
    ['a line starting with = (skipped)', 'A=1\n=2', '.env:2 is not KEY=value'],
  ])('refuses %s', (_what, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it('names the line of an error without quoting it', () => {
    const secret = 'hunter2-very-secret';
    for (const text of [`A=1\nB="${secret}`, `A=1\n${secret}`, `A=1\nB='${secret}' x`]) {
      const message = refusal(text);
      expect(message).toMatch(/^\.env:2 /);
      expect(message).not.toContain(secret);
    }
  });
});

describe('parseDotenvAnnotated', () => {
  const text = [
    '############',
    '# Secrets',
    '############',
    '',
    '# Used by Realtime',
    '# ----------',
    '# You can use: `openssl rand -base64 32` to generate one',
    "# SAML_DATABASE_URL=\"postgresql://postgres:@localhost:5450/cal-saml\"",
    'SAML_DATABASE_URL=',
    'NEXT=1',
    'GITHUB_CLIENT_SECRET="" # For fetching release notes',
    'RATE_LIMIT_TTL=60 # In seconds',
    'SECRET_KEY=r8Ow#P9gh',
    'EMPTY= # nothing yet',
    'KEY="-----BEGIN',
    '# not a comment',
    'END"',
    '#DATABASE_HOST=your-domain-here.com',
    "# EMAIL_FROM_NAME='John from YourDomain'",
    '# S3_REGION= # defaults to `us-east-1` if not set',
    '# ACTIVE_STORAGE_SERVICE=amazon <- Enables Amazon S3 storage',
    '',
  ].join('\n');
  const annotated = parseDotenvAnnotated(text, '.env.example');

  it('reads the same entries as parseDotenv', () => {
    expect(annotated.entries.map(({ name, value, line }) => ({ name, value, line }))).toEqual(parseDotenv(text, '.env.example'));
  });

  it('gives each entry the comment block right above it, without decoration or commented assignments', () => {
    const byName = Object.fromEntries(annotated.entries.map((entry) => [entry.name, entry]));
    expect(byName.SAML_DATABASE_URL?.comment).toEqual(['Used by Realtime', 'You can use: `openssl rand -base64 32` to generate one']);
    expect(byName.NEXT?.comment).toEqual([]);
    expect(byName.GITHUB_CLIENT_SECRET?.inlineComment).toBe('For fetching release notes');
    expect(byName.RATE_LIMIT_TTL?.inlineComment).toBe('In seconds');
    // dotenv cuts `A=a#b` at the `#` without a word: that is no comment a person wrote.
    expect(byName.SECRET_KEY).toMatchObject({ value: 'r8Ow', comment: [] });
    expect(byName.SECRET_KEY?.inlineComment).toBeUndefined();
    expect(byName.EMPTY?.inlineComment).toBe('nothing yet');
    expect(byName.KEY?.value).toBe('-----BEGIN\n# not a comment\nEND');
  });

  it('lists commented-out assignments with the value dotenv would read', () => {
    expect(annotated.commented).toEqual([
      { name: 'SAML_DATABASE_URL', value: 'postgresql://postgres:@localhost:5450/cal-saml', line: 8 },
      { name: 'DATABASE_HOST', value: 'your-domain-here.com', line: 18 },
      { name: 'EMAIL_FROM_NAME', value: 'John from YourDomain', line: 19 },
      { name: 'S3_REGION', value: '', line: 20 },
      { name: 'ACTIVE_STORAGE_SERVICE', value: 'amazon <- Enables Amazon S3 storage', line: 21 },
    ]);
  });

  it('refuses what parseDotenv refuses', () => {
    expect(() => parseDotenvAnnotated('A="open\n', '.env.example')).toThrow(/unterminated/);
  });
});
