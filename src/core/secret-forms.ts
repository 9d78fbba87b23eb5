/**
 * The forms a secret value takes once a program has encoded it, shared by `doctor`'s leak
 * scanner (secrets in files) and `run --redact` (secrets in a child's output).
 *
 * A value embedded in a longer base64 text may start at any of the three byte positions of a
 * base64 group; the characters of the groups it fully covers are the same whatever surrounds
 * it, so each alignment contributes the encoding of the value with 0, 1 or 2 leading bytes
 * dropped, cut to whole groups (no padding). URL-encoded forms are those of the common
 * encoders — `encodeURIComponent`, `encodeURI`, Python's `quote` (which keeps `/`), a strict
 * RFC 3986 component, and one that keeps `/` and `:` as URLs in config often do — each with
 * upper- and lowercase hex digits. Base64 wrapped over several lines (MIME, PEM bodies) is
 * not a form.
 */

/** How a form was derived from the value. */
export type SecretEncoding = 'verbatim' | 'base64' | 'base64url' | 'hex' | 'url-encoded';

/** One form of one secret value. */
export interface SecretForm {
  encoding: SecretEncoding;
  text: string;
}

/** Which forms `secretForms` gives beyond those a search needs. */
export interface SecretFormsOptions {
  /**
   * Also the whole value's base64 and base64url, with and without padding. A search finds
   * the value through the alignments' parts alone; a replacement must cover all of it.
   */
  whole?: boolean;
  /** Also the value's hex, in lower- and uppercase. */
  hex?: boolean;
  /** Forms shorter than this many characters are left out: they would match too much. */
  minLength?: number;
}

/**
 * Every form of `value`, each text once, verbatim first: base64 and base64url at the three
 * alignments (and whole, with `whole`), hex with `hex`, and URL-encoded by each common encoder.
 */
export function secretForms(value: string, options: SecretFormsOptions = {}): SecretForm[] {
  const forms: SecretForm[] = [];
  const seen = new Set<string>();
  const add = (encoding: SecretEncoding, text: string): void => {
    if (seen.has(text) || text.length < (options.minLength ?? 1)) return;
    seen.add(text);
    forms.push({ encoding, text });
  };
  add('verbatim', value);
  const bytes = Buffer.from(value, 'utf8');
  if (options.whole === true) {
    const base64 = bytes.toString('base64');
    const base64url = bytes.toString('base64url');
    add('base64', base64);
    add('base64', base64.replace(/=+$/, ''));
    add('base64url', base64url);
    add('base64url', base64url.padEnd(base64.length, '='));
  }
  for (let skip = 0; skip < 3; skip += 1) {
    const whole = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    add('base64', whole.toString('base64'));
    add('base64url', whole.toString('base64url'));
  }
  if (options.hex === true) {
    add('hex', bytes.toString('hex'));
    add('hex', bytes.toString('hex').toUpperCase());
  }
  for (const kept of URL_KEPT) {
    const encoded = percentEncode(value, kept);
    add('url-encoded', encoded);
    add('url-encoded', encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  }
  return forms;
}

/** RFC 3986's unreserved characters, which no encoder escapes. */
const UNRESERVED = 'A-Za-z0-9\\-._~';
/** The characters each common encoder leaves as they are. */
const URL_KEPT: readonly RegExp[] = [
  new RegExp(`[${UNRESERVED}!*'()]`), // encodeURIComponent
  new RegExp(`[${UNRESERVED}!*'();,/?:@&=+$#]`), // encodeURI
  new RegExp(`[${UNRESERVED}]`), // a strict component, Python's quote(safe='')
  new RegExp(`[${UNRESERVED}/]`), // Python's quote
  new RegExp(`[${UNRESERVED}/:]`), // a URL kept readable: scheme and path separators as they are
];

/** `text` with every character `kept` does not match percent-encoded as UTF-8, in uppercase hex. */
function percentEncode(text: string, kept: RegExp): string {
  let encoded = '';
  for (const char of text) {
    if (kept.test(char)) encoded += char;
    else for (const byte of Buffer.from(char, 'utf8')) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
