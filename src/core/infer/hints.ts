/**
 * What the comments above a variable (and a placeholder's own words) say about its value:
 * the command that generates it, its length, that it is a switch, or the values it may
 * take. Each hint carries the words it was read from, normalised, for the report — never
 * the comment itself, which may quote a value.
 */

/** What a comment says about a value; each hint with its `source`, the normalised words it was read from. */
export interface Hints {
  /** `openssl rand -base64 32`, `openssl rand -hex 32`, `rake secret` (Rails: 64 random bytes, hex). */
  generator?: { encoding: 'base64' | 'hex'; length: number; source: string };
  /** "32 characters", "at least 32 characters", "32 bytes". */
  length?: { exact?: number; min?: number; source: string };
  /** "set to '1'", `Set to "true"`: a switch, and the spelling that turns it on. */
  flag?: { on: '1' | 'true'; source: string };
  /** "true/false". */
  bool?: { source: string };
  /** "Available options: local (default) | gcloud-hsm", "Can be: 'none', 'peer'", or lines `value : meaning`. */
  options?: { values: string[]; source: string };
}

const OPENSSL = /\bopenssl\s+rand\s+-(base64|hex)\s+(\d+)\b/i;
const RAILS_SECRET = /\b(?:rake|rails)\s+secret\b/i;
const MIN_LENGTH = [
  /\b(?:at\s+least|minimum(?:\s+of)?|min\.?)\s+(\d+)[\s-]*(?:characters?|chars?|bytes?)\b/i,
  /\b(\d+)[\s-]*(?:characters?|chars?)[\s-]+(?:min(?:imum)?|or\s+more)\b/i,
];
const EXACT_LENGTH = /\b(\d+)[\s-]*(characters?|chars?|bytes?)\b/i;
const FLAG = /\bset\s+(?:this\s+(?:value\s+)?|it\s+)?to\s+["'`]?(1|true)["'`]?(?=[\s.,;:!?)]|$)/i;
const BOOL = /\btrue\s*[/|]\s*false\b|\bfalse\s*[/|]\s*true\b/i;
const OPTION_LIST = /\boptions?\s*:\s*([\w.-]+(?:\s*\([^)]*\))?(?:\s*\|\s*[\w.-]+(?:\s*\([^)]*\))?)+)/i;
const QUOTED_CHOICES = /\b(?:can\s+be(?:\s+set\s+to)?|possible\s+values(?:\s+are)?|one\s+of|choose\s+from)\s*:?\s*((?:["'`][\w.-]+["'`][\s,]*(?:or\s+)?)+)/i;
const DEFINITION = /^([a-z0-9_.-]+)\s*:\s+\S/;
/**
 * The longest length a comment is taken at its word for. A manifest needs lengths of at
 * least 1, and `init` makes a fake right after writing it: "openssl rand -hex 99999999999"
 * would have it make a 100 GB key. Keys and tokens are tens of characters.
 */
const MAX_STATED_LENGTH = 4096;

/** The length spelt by `digits`, when a manifest can take it (see MAX_STATED_LENGTH). */
function statedLength(digits: string): number | undefined {
  const length = Number(digits);
  return length >= 1 && length <= MAX_STATED_LENGTH ? length : undefined;
}

/** Lines `true : allows sign ups` / `api_only: disables the UI`: at least two lowercase terms define the values. */
function definitionList(lines: readonly string[]): string[] | undefined {
  const terms = lines.map((line) => DEFINITION.exec(line)?.[1]).filter((term): term is string => term !== undefined);
  return terms.length >= 2 ? terms : undefined;
}

function optionsOf(text: string, lines: readonly string[]): string[] | undefined {
  const listed = OPTION_LIST.exec(text)?.[1];
  if (listed !== undefined) return listed.split('|').map((item) => item.replace(/\([^)]*\)/, '').trim());
  const quoted = QUOTED_CHOICES.exec(text)?.[1];
  if (quoted !== undefined) {
    const values = [...quoted.matchAll(/["'`]([\w.-]+)["'`]/g)].map((match) => match[1]!);
    if (values.length >= 2) return values;
  }
  return definitionList(lines);
}

/**
 * Reads the hints in a comment block (its lines) or a placeholder's words. `lengthOnly`
 * keeps the length hints alone: a placeholder may say "at least 32 characters", but what
 * else it says is about itself.
 */
export function readHints(lines: readonly string[], lengthOnly = false): Hints {
  const text = lines.join(' ');
  const hints: Hints = {};
  const openssl = OPENSSL.exec(text);
  const generated = openssl === null ? undefined : statedLength(openssl[2]!);
  if (!lengthOnly && openssl !== null && generated !== undefined) {
    const encoding = openssl[1]!.toLowerCase() as 'base64' | 'hex';
    hints.generator = { encoding, length: generated, source: `openssl rand -${encoding} ${generated}` };
  } else if (!lengthOnly && RAILS_SECRET.test(text)) {
    hints.generator = { encoding: 'hex', length: 64, source: 'rake secret' };
  }
  const minMatch = MIN_LENGTH.map((re) => re.exec(text)).find((match) => match !== null);
  const min = minMatch == null ? undefined : statedLength(minMatch[1]!);
  const exactMatch = EXACT_LENGTH.exec(text);
  const exact = exactMatch === null ? undefined : statedLength(exactMatch[1]!);
  if (min !== undefined) hints.length = { min, source: `at least ${min} characters` };
  else if (exact !== undefined) hints.length = { exact, source: `${exact} ${/^b/i.test(exactMatch![2]!) ? 'bytes' : 'characters'}` };
  if (lengthOnly) return hints;
  const flag = FLAG.exec(text);
  if (flag !== null) hints.flag = { on: flag[1]!.toLowerCase() as '1' | 'true', source: `set to '${flag[1]!.toLowerCase()}'` };
  if (BOOL.test(text)) hints.bool = { source: 'true/false' };
  const options = optionsOf(text, lines);
  if (options !== undefined && new Set(options).size === options.length) hints.options = { values: options, source: `one of ${options.length} values` };
  return hints;
}
