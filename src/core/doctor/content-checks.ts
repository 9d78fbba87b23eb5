/**
 * Secrets in file contents, and `doctor --staged`'s narrower judgement of what the next
 * commit would add. Messages give `path:line` and the variable or credential kind, never
 * the text found.
 */
import type { Finding } from '../findings.js';
import type { ContentFact } from './facts.js';
import type { LeakEncoding } from './content-scan.js';
import { classifyPath } from './sensitive-paths.js';
import { shellQuote } from './shell-quote.js';

type Scanned = Extract<ContentFact, { kind: 'scanned' }>;

const ENCODING_WORDS: Readonly<Record<LeakEncoding, string>> = {
  verbatim: '',
  base64: ' base64-encoded',
  base64url: ' base64url-encoded',
  'url-encoded': ' URL-encoded',
};

/**
 * - `LEAKED_VALUE` (error): a secret value of the store, verbatim or encoded, in a file;
 * - `SECRET_PATTERN` (error): a live-credential format or a private-key PEM header;
 * - `CHECK_SKIPPED` (info) counting the binary and oversized files left unread, when any.
 */
export function checkContent(content: ContentFact): Finding[] {
  if (content.kind === 'skipped') return [];
  const staged = content.source === 'index';
  const where = staged ? 'the staged content of ' : '';
  const restage = (path: string): string => (staged ? `, then git add -- ${shellQuote(path)} again` : '');
  const findings: Finding[] = content.hits.map((hit): Finding => {
    const at = `${hit.path}:${hit.line}`;
    if (hit.kind === 'leak') {
      return {
        code: 'LEAKED_VALUE', level: 'error', var: hit.var, path: hit.path,
        message: `the value of ${hit.var} appears${ENCODING_WORDS[hit.encoding]} in ${where}${at}`,
        fix: `remove it from ${hit.path}${restage(hit.path)}; if it was ever committed or pushed, treat it as leaked: devsecrets rotate ${hit.var} (or replace the real credential)`,
      };
    }
    return {
      code: 'SECRET_PATTERN', level: 'error', path: hit.path,
      message: `${where}${at} holds what looks like ${hit.label}`,
      fix: `remove it from ${hit.path}${restage(hit.path)}, and revoke it if it is real; a known dummy can stay with a devsecrets:allow comment on its line`,
    };
  });
  const { binary, large } = content.skipped;
  if (binary + large > 0) {
    findings.push({
      code: 'CHECK_SKIPPED', level: 'info',
      message: `content checks skipped ${binary} binary ${binary === 1 ? 'file' : 'files'} and ${large} ${large === 1 ? 'file' : 'files'} over 1 MiB`,
      fix: 'nothing to do, unless one of them may hold a secret: then inspect it by hand',
    });
  }
  return findings;
}

/**
 * `doctor --staged`: only what the commit would add counts, so a project without a store
 * can still commit. `TRACKED_SECRET_FILE` for each sensitive file staged, then the content
 * findings of the staged blobs.
 */
export function checkStaged(content: Scanned): Finding[] {
  const findings: Finding[] = [];
  for (const path of content.stagedPaths) {
    const kind = classifyPath(path);
    if (kind === undefined || kind === 'example') continue;
    findings.push({
      code: 'TRACKED_SECRET_FILE', level: 'error', path,
      message: `${path} is staged: the commit would add it to the repository`,
      fix: `git rm --cached -- ${shellQuote(path)} unstages it and keeps the file on disk; then make sure .gitignore covers it`,
    });
  }
  findings.push(...checkContent(content));
  if (!content.valuesSearched) {
    findings.push({
      code: 'CHECK_SKIPPED', level: 'info',
      message: 'leaked-value check skipped: it needs a valid manifest and the store open',
      fix: 'run devsecrets doctor to see why the store did not open',
    });
  }
  return findings;
}
