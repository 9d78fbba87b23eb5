/**
 * The pure content scanner: which forms of a secret are searched, where hits are reported,
 * and what is exempt. No files, no git.
 */
import { describe, expect, it } from 'vitest';
import { leakNeedles, scanText } from '../../src/core/doctor/index.js';

/** Its base64 holds `+` at every alignment, so the url-safe alphabet differs; its space makes URL-encoding differ. */
const SECRET = '~~~~~~~~~~~~ secret';

function leaks(text: string, secrets: Record<string, string> = { API_SECRET: SECRET }): string[] {
  return scanText('f.txt', text, leakNeedles(secrets)).map((hit) => (hit.kind === 'leak' ? `${hit.var}:${hit.encoding}:${hit.line}` : `pattern:${hit.label}:${hit.line}`));
}

describe('leakNeedles', () => {
  it('searches no value under 8 characters', () => {
    expect(leakNeedles({ SHORT: '1234567' })).toEqual([]);
  });

  it('gives each form once: verbatim, base64 and base64url at the three alignments, URL-encoded', () => {
    const encodings = leakNeedles({ API_SECRET: SECRET }).map((needle) => needle.encoding);
    expect(encodings.filter((encoding) => encoding === 'base64')).toHaveLength(3);
    expect(encodings.filter((encoding) => encoding === 'base64url')).toHaveLength(3);
    expect(encodings.filter((encoding) => encoding === 'verbatim')).toHaveLength(1);
    expect(encodings.filter((encoding) => encoding === 'url-encoded')).toHaveLength(1);
    expect(leakNeedles({ PLAIN: 'ab b/c:d' }).filter((needle) => needle.encoding === 'url-encoded').map((needle) => needle.text).sort())
      .toEqual(['ab%20b%2Fc%3Ad', 'ab%20b%2fc%3ad', 'ab%20b/c%3Ad', 'ab%20b/c%3ad', 'ab%20b/c:d']);
    expect(leakNeedles({ PLAIN: 'abcdefghijkl' }).map((needle) => needle.encoding)).toEqual(['verbatim', 'base64', 'base64', 'base64']);
  });
});

describe('scanText', () => {
  it('finds the value verbatim, with its line number', () => {
    expect(leaks(`one\ntwo ${SECRET}\nthree`)).toEqual(['API_SECRET:verbatim:2']);
  });

  it('finds it inside longer base64 at every alignment, both alphabets', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const embedded = Buffer.from(`${prefix}${SECRET}tail`);
      expect(leaks(`x=${embedded.toString('base64')}`), prefix).toEqual(['API_SECRET:base64:1']);
      expect(leaks(`x=${embedded.toString('base64url')}`), prefix).toEqual(['API_SECRET:base64url:1']);
    }
  });

  it('finds it URL-encoded', () => {
    expect(leaks(`https://h.test/?s=${encodeURIComponent(SECRET)}`)).toEqual(['API_SECRET:url-encoded:1']);
  });

  it('finds a URL value as each common encoder writes it, with upper- or lowercase hex digits', () => {
    const url = 'postgresql://dev_x:p@ss w/rd!(1)@localhost:5432/db?sslmode=require&x=é';
    // encodeURIComponent and encodeURI, then Python's quote(v), quote(v, safe='') and quote(v, safe='/:').
    const forms = [
      encodeURIComponent(url),
      encodeURI(url),
      'postgresql%3A//dev_x%3Ap%40ss%20w/rd%21%281%29%40localhost%3A5432/db%3Fsslmode%3Drequire%26x%3D%C3%A9',
      'postgresql%3A%2F%2Fdev_x%3Ap%40ss%20w%2Frd%21%281%29%40localhost%3A5432%2Fdb%3Fsslmode%3Drequire%26x%3D%C3%A9',
      'postgresql://dev_x:p%40ss%20w/rd%21%281%29%40localhost:5432/db%3Fsslmode%3Drequire%26x%3D%C3%A9',
    ];
    for (const form of forms) {
      for (const written of [form, form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())]) {
        expect(leaks(`config: ${written}\n`, { DATABASE_URL: url }), written).toEqual(['DATABASE_URL:url-encoded:1']);
      }
    }
  });

  it('does not find base64 wrapped over lines (MIME): a known gap', () => {
    const wrapped = Buffer.from(SECRET.repeat(4)).toString('base64').replace(/.{20}/g, '$&\n');
    expect(leaks(wrapped, { LONG: SECRET.repeat(4) })).toEqual([]);
  });

  it('reports a value once per line, on every line it appears', () => {
    expect(leaks(`${SECRET} ${SECRET}\n\n${SECRET}`)).toEqual(['API_SECRET:verbatim:1', 'API_SECRET:verbatim:3']);
  });

  it('skips a line with devsecrets:allow, for values and patterns alike', () => {
    expect(leaks(`${SECRET} # devsecrets:allow\nAKIAQWERTYUIOPASDFGH // devsecrets:allow\n`)).toEqual([]);
  });

  it('names live-credential formats and private-key headers by line, never the text', () => {
    expect(leaks('a\nid=AKIAQWERTYUIOPASDFGH\n-----BEGIN OPENSSH PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n')).toEqual([
      'pattern:an AWS access key id:2',
      'pattern:a private key:3',
    ]);
  });

  it('finds a multi-line value (a PEM key) and reports its first line', () => {
    const pem = '-----BEGIN EC KEY-----\nMHcCAQEEIBfakefakefake\n-----END EC KEY-----';
    expect(leaks(`k: |\n${pem}\n`, { KEY: pem })).toEqual(['KEY:verbatim:2']);
  });
});
