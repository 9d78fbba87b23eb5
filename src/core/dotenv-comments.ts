/**
 * Dotenv entries with the comment lines written directly above each: where a `.env.example`
 * says what a variable is, and where `devsecrets schema` puts its `# devsecrets:` spec line.
 * Built on `parseDotenv`'s contract alone, so the values, the line numbers and the refusals
 * are exactly its own.
 */
import { parseDotenv, type DotenvEntry } from './dotenv.js';

export interface CommentedDotenvEntry extends DotenvEntry {
  /**
   * The comment lines directly above the entry (no blank line between them and it, none
   * inside a value), in file order, each without its `#` and the one space after it.
   */
  comments: string[];
}

/**
 * Parses dotenv text as `parseDotenv` does and adds each entry's comments.
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3), as `parseDotenv`.
 */
export function parseDotenvWithComments(text: string, path: string): CommentedDotenvEntry[] {
  const entries = parseDotenv(text, path);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return entries.map((entry, index) => {
    const previous = entries[index - 1];
    // The comment-looking lines right above the entry; from the top, those inside the previous
    // entry's quoted value are dropped: cutting the text before one leaves that quote open.
    // `top`: the first line of the comments (the entry's own line when there are none).
    let top = entry.line;
    while (top - 1 > (previous?.line ?? 0) && isComment(lines[top - 2])) top -= 1;
    if (previous !== undefined) {
      while (top < entry.line && !endsAfter(lines, top, entries.slice(0, index), path)) top += 1;
    }
    return { ...entry, comments: lines.slice(top - 1, entry.line - 1).map((line) => line.trimStart().replace(/^# ?/, '')) };
  });
}

function isComment(line: string | undefined): boolean {
  return line !== undefined && line.trimStart().startsWith('#');
}

/** Whether the text before line `line` (1-based) holds `before` complete: no value runs on into that line. */
function endsAfter(lines: readonly string[], line: number, before: readonly DotenvEntry[], path: string): boolean {
  try {
    const head = parseDotenv(lines.slice(0, line - 1).join('\n'), path);
    return head.length === before.length && head.every((entry, index) => entry.value === before[index]!.value);
  } catch {
    return false;
  }
}
