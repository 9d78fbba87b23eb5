/**
 * The marked block devsecrets owns inside a project's `.gitignore`. Only the text between
 * the markers is ever rewritten; everything the team wrote stays as it was.
 */
export const BLOCK_START = '# >>> devsecrets >>>';
export const BLOCK_END = '# <<< devsecrets <<<';

/**
 * Returns `existing` with the devsecrets block set to `rules` (replacing an earlier block,
 * or appended at the end), and whether anything changed.
 */
export function withDevsecretsBlock(existing: string, rules: readonly string[]): { text: string; changed: boolean } {
  const block = [BLOCK_START, ...rules, BLOCK_END].join('\n');
  const start = existing.indexOf(BLOCK_START);
  const end = existing.indexOf(BLOCK_END, start);
  let text: string;
  if (start !== -1 && end !== -1) {
    text = existing.slice(0, start) + block + existing.slice(end + BLOCK_END.length);
  } else {
    const separator = existing === '' ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
    text = `${existing}${separator}${block}\n`;
  }
  return { text, changed: text !== existing };
}

/** The rules inside the devsecrets block of `text` (empty without a block). */
export function blockRules(text: string): string[] {
  const start = text.indexOf(BLOCK_START);
  const end = text.indexOf(BLOCK_END, start);
  if (start === -1 || end === -1) return [];
  return text.slice(start + BLOCK_START.length, end).split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** Where the devsecrets block sits in `text`: the 1-based lines of its two markers, and its rules. */
export interface BlockPlace {
  start: number;
  end: number;
  rules: string[];
}

/** The devsecrets block of `text`, or undefined without one. */
export function findBlock(text: string): BlockPlace | undefined {
  const start = text.indexOf(BLOCK_START);
  const end = text.indexOf(BLOCK_END, start);
  if (start === -1 || end === -1) return undefined;
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  return { start: lineOf(start), end: lineOf(end), rules: blockRules(text) };
}
