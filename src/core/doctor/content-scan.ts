/**
 * Finding secrets in file contents: the store's secret values, verbatim or encoded, and
 * live-credential formats. Pure: the adapters read the files and hand each text in.
 *
 * Encoded forms are searched as plain substrings, so one `indexOf` per form and file does
 * the work. A value embedded in a longer base64 text may start at any of the three byte
 * positions of a base64 group; the characters of the groups it fully covers are the same
 * whatever surrounds it, so each alignment contributes the encoding of the value with 0, 1
 * or 2 leading bytes dropped, cut to whole groups (no padding). URL-encoded forms are those
 * of the common encoders — `encodeURIComponent`, `encodeURI`, Python's `quote` (which keeps
 * `/`), a strict RFC 3986 component, and one that keeps `/` and `:` as URLs in config often
 * do — each with upper- and lowercase hex digits. Base64 wrapped over several lines (MIME,
 * PEM bodies) is not searched. Values shorter than 8 characters are not searched: they
 * would match too much.
 */
import { findLiveCredential, PRIVATE_KEY_PEM } from '../insecure.js';
import type { Manifest } from '../manifest-model.js';
import type { StoreDocument } from '../store-document.js';

/** Shorter secret values are not searched for. */
export const MIN_LEAK_LENGTH = 8;

/** The marker that exempts one line from content checks. */
export const ALLOW_MARKER = 'devsecrets:allow';

export type LeakEncoding = 'verbatim' | 'base64' | 'base64url' | 'url-encoded';

/** One form of one secret value to look for. */
export interface Needle {
  var: string;
  encoding: LeakEncoding;
  text: string;
}

export type ContentHit =
  | { kind: 'leak'; path: string; line: number; var: string; encoding: LeakEncoding }
  | { kind: 'pattern'; path: string; line: number; label: string };

/** The stored values of the manifest's secret variables, by name. */
export function secretValues(manifest: Manifest, document: StoreDocument): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const stored = document.vars[name];
    if (spec.secret === true && stored !== undefined) values[name] = stored.value;
  }
  return values;
}

/** The forms to search for each secret value (`name → value`) of 8+ characters, without duplicates. */
export function leakNeedles(secrets: Readonly<Record<string, string>>): Needle[] {
  const needles: Needle[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_LEAK_LENGTH) continue;
    const seen = new Set<string>();
    const add = (encoding: LeakEncoding, text: string): void => {
      if (seen.has(text)) return;
      seen.add(text);
      needles.push({ var: name, encoding, text });
    };
    add('verbatim', value);
    const bytes = Buffer.from(value, 'utf8');
    for (let skip = 0; skip < 3; skip += 1) {
      const whole = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
      add('base64', whole.toString('base64'));
      add('base64url', whole.toString('base64url'));
    }
    for (const kept of URL_KEPT) {
      const encoded = percentEncode(value, kept);
      add('url-encoded', encoded);
      add('url-encoded', encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    }
  }
  return needles;
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

/**
 * Every hit in one file's text: each needle once per line it appears on, and each line
 * holding a live-credential format or a private-key PEM header. Lines carrying
 * `devsecrets:allow` are skipped.
 */
export function scanText(path: string, text: string, needles: readonly Needle[]): ContentHit[] {
  const lines = new LineIndex(text);
  const hits: ContentHit[] = [];
  // Every URL-encoded form holds a `%` (one without would be the verbatim value): most files have none.
  const percent = text.includes('%');
  for (const needle of needles) {
    if (needle.encoding === 'url-encoded' && !percent) continue;
    let lastLine = 0;
    for (let at = text.indexOf(needle.text); at !== -1; at = text.indexOf(needle.text, at + needle.text.length)) {
      const line = lines.lineOf(at);
      if (line === lastLine || lines.allowed(line)) continue;
      lastLine = line;
      hits.push({ kind: 'leak', path, line, var: needle.var, encoding: needle.encoding });
    }
  }
  // Most files hold no credential at all: one test of the whole text spares the line split.
  if (findLiveCredential(text) === undefined && !PRIVATE_KEY_PEM.test(text)) return hits;
  text.split('\n').forEach((content, index) => {
    if (content.includes(ALLOW_MARKER)) return;
    const label = findLiveCredential(content) ?? (PRIVATE_KEY_PEM.test(content) ? 'a private key' : undefined);
    if (label !== undefined) hits.push({ kind: 'pattern', path, line: index + 1, label });
  });
  return hits;
}

/** Line numbers (1-based) of offsets in a text, computed once per file only when needed. */
class LineIndex {
  #starts: number[] | undefined;

  constructor(private readonly text: string) {}

  lineOf(offset: number): number {
    const starts = this.#lineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  allowed(line: number): boolean {
    const starts = this.#lineStarts();
    const end = starts[line] ?? this.text.length + 1;
    return this.text.slice(starts[line - 1], end - 1).includes(ALLOW_MARKER);
  }

  #lineStarts(): number[] {
    if (this.#starts === undefined) {
      this.#starts = [0];
      for (let at = this.text.indexOf('\n'); at !== -1; at = this.text.indexOf('\n', at + 1)) this.#starts.push(at + 1);
    }
    return this.#starts;
  }
}
