/**
 * A dotenv parser that reads what the `dotenv` npm package (v16/17) reads, and gives the
 * values it gives: `KEY=value` (or `KEY: value`), an optional `export` prefix, `#` comments,
 * unquoted values cut at the first `#` and trimmed, single-quoted and backtick-quoted
 * values taken literally, double-quoted values with only `\n` and `\r` expanded, and
 * quoted values spanning lines. No `${VAR}` expansion. Later definitions win.
 *
 * dotenv never fails: it skips what it cannot read, and reads an unterminated quote as
 * text. Those are the lines where a file says something other than what its author meant,
 * so here they are refused, by line number and never by content: a line that is not
 * `KEY=value`, a quote that is never closed, text after a closing quote, and a quoted
 * value that starts on the line after its `KEY=`.
 */
import { DevsecretsError } from './errors.js';

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
}

// dotenv's own expression, with capture groups added to tell its parts apart (groups do
// not change what it matches): 1 the `export KEY=` head, 2 the key, 3 a quoted value, 4 an
// unquoted value.
const LINE = /^\s*((?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?))(?:(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`)|([^#\r\n]+))?\s*(?:#.*)?$/gm;
const QUOTES = new Set(["'", '"', '`']);

/**
 * Parses dotenv text into entries in file order (duplicates kept; use `dotenvToRecord` for the last-wins map).
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) naming the first line dotenv would skip or misread.
 *   Messages carry line numbers only, never content.
 */
export function parseDotenv(text: string, path: string): DotenvEntry[] {
  const source = text.replace(/\r\n?/g, '\n');
  const lineAt = lineCounter(source);
  const entries: DotenvEntry[] = [];
  let end = 0;
  for (const match of source.matchAll(LINE)) {
    const [whole, head, name, quoted, unquoted] = match as unknown as [string, string, string, string | undefined, string | undefined];
    const headStart = match.index + whole.length - whole.trimStart().length;
    checkSkipped(source, end, headStart, lineAt, path);
    const line = lineAt(headStart);
    if (head.includes('\n')) throw badLine(path, line, 'is not KEY=value');
    const value = quoted ?? unquoted ?? '';
    const valueStart = headStart + head.length + value.length - value.trimStart().length;
    const raw = value.trim();
    // dotenv would read a quoted line after an empty `KEY=` as that key's value.
    if (quoted !== undefined && lineAt(valueStart) !== line) throw badLine(path, lineAt(valueStart), 'is not KEY=value');
    if (unquoted !== undefined && QUOTES.has(raw.charAt(0))) {
      const close = findClosingQuote(source, valueStart);
      throw close === -1
        ? badLine(path, line, `has an unterminated ${raw.charAt(0)} quote`)
        : badLine(path, lineAt(close), 'has text after the closing quote');
    }
    entries.push({ name, value: dotenvValue(raw), line });
    end = match.index + whole.length;
  }
  checkSkipped(source, end, source.length, lineAt, path);
  return entries;
}

/** Last definition wins, as dotenv does. */
export function dotenvToRecord(entries: readonly DotenvEntry[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of entries) record[entry.name] = entry.value;
  return record;
}

/** dotenv's value steps, verbatim: strip the surrounding quotes; in double quotes expand `\n` and `\r`. */
function dotenvValue(raw: string): string {
  const value = raw.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
  return raw[0] === '"' ? value.replace(/\\n/g, '\n').replace(/\\r/g, '\r') : value;
}

/** Text dotenv passed over between two entries must be blank lines and comments only. */
function checkSkipped(source: string, from: number, to: number, lineAt: (offset: number) => number, path: string): void {
  let offset = from;
  for (const piece of source.slice(from, to).split('\n')) {
    const trimmed = piece.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) throw badLine(path, lineAt(offset), 'is not KEY=value');
    offset += piece.length + 1;
  }
}

/** Where the quote opened at `open` closes, by dotenv's rule (a backslash before the quote keeps it open); -1 when it never does. */
function findClosingQuote(source: string, open: number): number {
  const quote = source[open];
  for (let index = open + 1; index < source.length; index += 1) {
    if (source[index] === '\\' && source[index + 1] === quote) index += 1;
    else if (source[index] === quote) return index;
  }
  return -1;
}

/** The 1-based line of an offset; counting on from the last offset asked, as the parse moves forward. */
function lineCounter(source: string): (offset: number) => number {
  let line = 1;
  let counted = 0;
  return (offset) => {
    if (offset < counted) [line, counted] = [1, 0];
    for (; counted < offset; counted += 1) if (source[counted] === '\n') line += 1;
    return line;
  };
}

function badLine(path: string, line: number, problem: string): DevsecretsError {
  return new DevsecretsError('ENV_FILE_INVALID', `${path}:${line} ${problem}`, {
    path,
    hint: 'dotenv lines look like KEY=value; quote a value that holds # or spans lines, with a kind of quote it does not contain',
  });
}
