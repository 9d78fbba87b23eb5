/**
 * A dotenv parser compatible with the common dialect: `KEY=value`, an optional `export`
 * prefix, `#` comments, single quotes (literal), double quotes (escapes `\n \r \t \\ \"`,
 * may span lines), backticks (literal, may span lines), and unquoted values with trailing
 * comments and whitespace trimmed. Later definitions win, as in dotenv.
 */
import { DevsecretsError } from './errors.js';

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
}

const KEY_RE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

/**
 * Parses dotenv text into entries in file order (duplicates kept; use `dotenvToRecord` for the last-wins map).
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) naming the line of an unterminated quote or a line that is not `KEY=value`.
 *   Messages carry line numbers only, never content.
 */
export function parseDotenv(text: string, path: string): DotenvEntry[] {
  const source = text.replace(/\r\n?/g, '\n');
  const entries: DotenvEntry[] = [];
  let offset = 0;
  let line = 1;
  while (offset < source.length) {
    const end = source.indexOf('\n', offset);
    const rawLine = source.slice(offset, end === -1 ? source.length : end);
    const startLine = line;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      offset = end === -1 ? source.length : end + 1;
      line += 1;
      continue;
    }
    const key = KEY_RE.exec(rawLine);
    if (!key) throw badLine(path, startLine, 'is not KEY=value');
    const valueStart = offset + key[0].length;
    const quote = source[valueStart];
    let value: string;
    let next: number;
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = findClosingQuote(source, valueStart + 1, quote);
      if (close === -1) throw badLine(path, startLine, `has an unterminated ${quote} quote`);
      const body = source.slice(valueStart + 1, close);
      value = quote === '"' ? body.replace(/\\(.)/g, (match, char: string) => ESCAPES[char] ?? match) : body;
      line += countNewlines(body);
      const restEnd = source.indexOf('\n', close);
      const rest = source.slice(close + 1, restEnd === -1 ? source.length : restEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) throw badLine(path, line, 'has text after the closing quote');
      next = restEnd === -1 ? source.length : restEnd + 1;
    } else {
      const lineEnd = end === -1 ? source.length : end;
      value = source.slice(valueStart, lineEnd).replace(/\s+#.*$/, '').trim();
      next = lineEnd + 1;
    }
    entries.push({ name: key[1]!, value, line: startLine });
    offset = next;
    line += 1;
  }
  return entries;
}

/** Last definition wins, as dotenv does. */
export function dotenvToRecord(entries: readonly DotenvEntry[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of entries) record[entry.name] = entry.value;
  return record;
}

function findClosingQuote(source: string, from: number, quote: string): number {
  for (let index = from; index < source.length; index += 1) {
    const char = source[index];
    if (quote === '"' && char === '\\') {
      index += 1;
    } else if (char === quote) {
      return index;
    }
  }
  return -1;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}

function badLine(path: string, line: number, problem: string): DevsecretsError {
  return new DevsecretsError('ENV_FILE_INVALID', `${path}:${line} ${problem}`, {
    path,
    hint: 'dotenv lines look like KEY=value, with optional quotes and an optional export prefix',
  });
}
