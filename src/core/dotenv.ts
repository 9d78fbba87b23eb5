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
  return scanDotenv(text, path).entries.map(({ entry }) => entry);
}

/** An entry with what the file says around it. */
export interface AnnotatedDotenvEntry extends DotenvEntry {
  /**
   * The comment block right above the entry (no blank line between), one item a line, `#`
   * and surrounding space removed; a bare `#` line between paragraphs is an empty item,
   * lines of decoration only (`#####`, `# -----`) and commented-out assignments are left out.
   */
  comment: string[];
  /** A comment after the value on its own line, set off by a space (`A=1 # why`); not for `A=a#b`, whose `#b` dotenv drops. */
  inlineComment?: string;
}

/** A dotenv file as a person reads it: its entries with their comments, and its commented-out assignments. */
export interface AnnotatedDotenv {
  entries: AnnotatedDotenvEntry[];
  /**
   * Assignments commented out anywhere in the file (`# NAME=value`, `#NAME=value`), with
   * the value dotenv would read if the `#` were removed (quotes stripped, an unquoted value
   * cut at ` #`), in file order.
   */
  commented: DotenvEntry[];
}

/**
 * Parses dotenv text as {@link parseDotenv} does (the same entries, the same refusals),
 * and also hands over the comments: the block above each entry, the comment after its
 * value, and the assignments commented out. For `init --from`, which reads a file as its
 * author meant it; `import` and `check` read values only.
 * @throws DevsecretsError `ENV_FILE_INVALID` as {@link parseDotenv}.
 */
export function parseDotenvAnnotated(text: string, path: string): AnnotatedDotenv {
  const { source, entries } = scanDotenv(text, path);
  const lines = source.split('\n');
  // Lines a value spans (a quoted value over several lines) hold no comment.
  const valueLines = new Set<number>();
  for (const scanned of entries) for (let line = scanned.entry.line; line <= scanned.lastLine; line += 1) valueLines.add(line);
  const annotated = entries.map(({ entry, trailing }): AnnotatedDotenvEntry => {
    const inline = /^\s+#\s?(.*)$/.exec(trailing)?.[1]?.trim();
    return { ...entry, comment: commentAbove(lines, entry.line, valueLines), ...(inline ? { inlineComment: inline } : {}) };
  });
  const commented: DotenvEntry[] = [];
  lines.forEach((text, index) => {
    const assignment = valueLines.has(index + 1) ? undefined : commentedAssignment(text);
    if (assignment !== undefined) commented.push({ ...assignment, line: index + 1 });
  });
  return { entries: annotated, commented };
}

const COMMENT_LINE = /^\s*#(.*)$/;
/** Banners and rules: nothing but `#`, `*`, `=`, `-`, `_`, `~` and spaces. */
const DECORATION = /^[\s#*=_~-]*$/;
const COMMENTED_ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

function commentAbove(lines: readonly string[], line: number, valueLines: ReadonlySet<number>): string[] {
  const block: string[] = [];
  for (let index = line - 2; index >= 0 && !valueLines.has(index + 1); index -= 1) {
    const text = COMMENT_LINE.exec(lines[index]!)?.[1];
    if (text === undefined) break;
    // A bare `#` separates paragraphs of one comment; other decoration says nothing.
    if (text.trim() === '') block.unshift('');
    else if (!DECORATION.test(text) && !COMMENTED_ASSIGNMENT.test(text)) block.unshift(text.replace(/^#+/, '').trim());
  }
  while (block[0] === '') block.shift();
  while (block.at(-1) === '') block.pop();
  return block;
}

/** `# NAME=value` as dotenv would read `NAME=value`, on one line; undefined for any other line. */
function commentedAssignment(line: string): Omit<DotenvEntry, 'line'> | undefined {
  const text = COMMENT_LINE.exec(line)?.[1];
  const match = text === undefined ? null : COMMENTED_ASSIGNMENT.exec(text);
  if (match === null) return undefined;
  const raw = match[2]!.trim();
  const quoted = /^(['"`])(.*)\1(?:\s+#.*)?$/.exec(raw);
  const value = quoted === null ? raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim() : dotenvValue(`${quoted[1]}${quoted[2]}${quoted[1]}`);
  return { name: match[1]!, value };
}

/** An entry as the scan found it: where its value ends, and what follows it on that line. */
interface ScannedEntry {
  entry: DotenvEntry;
  /** The line the value ends on. */
  lastLine: number;
  /** The text after the value up to the end of its line: spaces and a comment, if any. */
  trailing: string;
}

function scanDotenv(text: string, path: string): { source: string; entries: ScannedEntry[] } {
  const source = text.replace(/\r\n?/g, '\n');
  const lineAt = lineCounter(source);
  const entries: ScannedEntry[] = [];
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
    const valueEnd = valueStart + raw.length;
    // The match may run on over blank and comment lines (`\s*` crosses newlines): only this
    // line's rest counts. An empty unquoted value keeps the space before its `#` (`A= # c`).
    const rest = source.slice(valueEnd, match.index + whole.length).split('\n', 1)[0]!;
    const trailing = raw === '' && unquoted !== undefined && /\s$/.test(unquoted) ? ` ${rest}` : rest;
    entries.push({ entry: { name, value: dotenvValue(raw), line }, lastLine: lineAt(valueEnd), trailing });
    end = match.index + whole.length;
  }
  checkSkipped(source, end, source.length, lineAt, path);
  return { source, entries };
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
