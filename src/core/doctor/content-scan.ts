/**
 * Finding secrets in file contents: the store's secret values, verbatim or encoded, and
 * live-credential formats. Pure: the adapters read the files and hand each text in.
 *
 * Encoded forms (see `secretForms`: base64 and base64url at every alignment, URL-encoded by
 * the common encoders) are searched as plain substrings, so one `indexOf` per form and file
 * does the work. Values shorter than 8 characters are not searched: they would match too much.
 */
import { findLiveCredential, PRIVATE_KEY_PEM } from '../insecure.js';
import type { Manifest } from '../manifest-model.js';
import { secretForms, type SecretEncoding } from '../secret-forms.js';
import type { StoreDocument } from '../store-document.js';

/** Shorter secret values are not searched for. */
export const MIN_LEAK_LENGTH = 8;

/** The marker that exempts one line from content checks. */
export const ALLOW_MARKER = 'devsecrets:allow';

/** The forms searched in files: hex is not one of them. */
export type LeakEncoding = Exclude<SecretEncoding, 'hex'>;

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
    for (const form of secretForms(value)) needles.push({ var: name, encoding: form.encoding as LeakEncoding, text: form.text });
  }
  return needles;
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
