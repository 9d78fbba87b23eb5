/**
 * The manifest's regular expressions — a string's `pattern` and the `/regex/flags` forbid
 * rules — compiled by re2js, a JavaScript port of RE2. RE2 never backtracks: matching takes
 * time linear in the text whatever the pattern, so no edit to the shared manifest can make
 * `set`, `run` or `check` hang (JavaScript's own engine spins for ever on `(a+)+$` against
 * `aaaa…!`). This file is the only one that touches re2js.
 *
 * The dialect is RE2 syntax (https://github.com/google/re2/wiki/Syntax): what JavaScript
 * regexes and RE2 share, plus `(?i)`-style flags, `\pL` and `\p{Greek}`, `[[:alpha:]]`,
 * `\Q…\E`, `\A`, `\z`, `\x{…}` and `(?P<name>…)`; without backreferences, lookahead,
 * lookbehind or `\u` escapes. `\d`, `\w`, `\s` and `\b` are ASCII, `\s` is `[\t\n\f\r ]`,
 * `.` is any character but `\n`, a `]` right after `[` or `[^` is a member (so `[]` and
 * `[^]` are unfinished), and repeat counts stop at 1000.
 */
import type * as Re2js from 're2js';

/** A compiled manifest regex. Both tests take time linear in the text. */
export interface SafeRegex {
  /** Whether the regex matches somewhere in `text`, like `RegExp.prototype.test`. */
  test(text: string): boolean;
  /** Whether the regex matches the whole of `text`. */
  testWhole(text: string): boolean;
}

/** The flags of a `/regex/flags` entry that change what matches. */
export interface RegexFlags {
  /** `i`: letters match in either case. */
  ignoreCase?: boolean;
  /** `m`: `^` and `$` also match at line breaks. */
  multiline?: boolean;
  /** `s`: `.` matches `\n` too. */
  dotAll?: boolean;
}

/** What a pattern that uses JavaScript-only syntax is told, by the fragment RE2 stopped at. */
const UNSUPPORTED: readonly (readonly [RegExp, string])[] = [
  [/^\(\?<[=!]/, 'a lookbehind (?<=…) or (?<!…)'],
  [/^\(\?[=!]/, 'a lookahead (?=…) or (?!…)'],
  [/^\\(?:[1-9]|k)/, 'a backreference (\\1 or \\k<name>)'],
];
const WHY_RE2 = 'manifest regexes are RE2 syntax, which leaves out backreferences and lookaround so that matching never hangs; rewrite the pattern without it';

// The same few patterns are compiled by the manifest check, the validator and the fake
// generator; compiled regexes are immutable, so sharing them is safe.
const compiled = new Map<string, SafeRegex | string>();

/**
 * Compiles a manifest regex in the RE2 dialect (see the top of this file). The first call
 * loads re2js (about 10 ms, and its first compile a few more), so only manifests that hold
 * a regex pay for it.
 * @returns the regex, or why it is refused: a lowercase phrase naming the construct (e.g.
 * "uses a backreference (\1 or \k<name>): …") that reads after "pattern" or the rule.
 */
export function compileSafeRegex(source: string, flags: RegexFlags = {}): SafeRegex | string {
  const key = `${flags.ignoreCase ? 'i' : ''}${flags.multiline ? 'm' : ''}${flags.dotAll ? 's' : ''}/${source}`;
  let regex = compiled.get(key);
  if (regex === undefined) {
    regex = compile(source, flags);
    compiled.set(key, regex);
  }
  return regex;
}

function compile(source: string, flags: RegexFlags): SafeRegex | string {
  const { RE2JS, RE2JSException, RE2JSSyntaxException } = loadEngine();
  const mask =
    (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.multiline ? RE2JS.MULTILINE : 0) | (flags.dotAll ? RE2JS.DOTALL : 0);
  try {
    const re = RE2JS.compile(source, mask);
    return { test: (text) => re.test(text), testWhole: (text) => re.testExact(text) };
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const fragment = error instanceof RE2JSSyntaxException ? (error.input ?? '') : '';
    const construct = UNSUPPORTED.find(([start]) => start.test(fragment))?.[1];
    if (construct !== undefined) return `uses ${construct}: ${WHY_RE2}`;
    if (fragment.startsWith('\\u')) return 'uses \\u, which RE2 syntax spells \\x{…} (\\x{e9}, \\x{1F600})';
    const description = error instanceof RE2JSSyntaxException ? error.getDescription() : error.message;
    return `is not a valid RE2 regular expression (${description}${fragment === '' ? '' : `: \`${fragment}\``})`;
  }
}

let engine: typeof Re2js | undefined;

/**
 * re2js, on first use. `require`, not `import`: the checks that run a regex are synchronous,
 * and a static import would load its 260 kB on every `run`, patterns or not. Every build
 * provides `require` (dist/cli.cjs's wrapper and the ES bundles' banner, see bin/build.mjs),
 * and so does vitest.
 */
function loadEngine(): typeof Re2js {
  engine ??= require('re2js') as typeof Re2js;
  return engine;
}

/** ECMAScript syntax characters: escaped, they are literals in every mode. */
const SYNTAX_CHARS = '^$\\.*+?()[]{}|/';
const RE2_REPEAT = /^\{\d+(?:,\d*)?\}/;

/**
 * An ECMAScript regex source, for the `u` flag, that matches exactly what the RE2 `pattern`
 * matches, anchored or not — e.g. for a JSON Schema `pattern`, whose dialect is ECMA-262.
 * `.` and `\s` are spelt out (ECMAScript's are wider), `(?P<name>` becomes `(?<name>`,
 * `\x{…}` becomes `\u{…}` and literal braces and brackets are escaped. Undefined when the
 * pattern is not valid RE2, or uses RE2 syntax with no such plain spelling: flags like
 * `(?i)`, `\p` classes, POSIX classes, `\Q…\E`, `\A`, `\z`, octal escapes, `\S` in a class.
 * The result is only as safe as the engine that runs it: JavaScript's may backtrack on it.
 */
export function ecmaScriptPattern(pattern: string): string | undefined {
  if (typeof compileSafeRegex(pattern) === 'string') return undefined;
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const escaped = ecmaScriptEscape(pattern, i + 1, inClass);
      if (escaped === undefined) return undefined;
      out += escaped.text;
      i = escaped.end;
      continue;
    }
    i++;
    if (inClass) {
      if (char === ']') inClass = false;
      else if (char === '[' && pattern[i] === ':') return undefined;
      out += char === '[' ? '\\[' : char;
    } else if (char === '[') {
      inClass = true;
      out += '[';
      if (pattern[i] === '^') out += pattern[i++];
      // RE2 reads a `]` right after the opening bracket as a member, ECMAScript as the end.
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
    } else if (char === '(' && pattern[i] === '?') {
      const group = /^\?(?::|P?<)/.exec(pattern.slice(i));
      if (group === null) return undefined;
      out += group[0] === '?P<' ? '(?<' : `(${group[0]}`;
      i += group[0].length;
    } else if (char === '{') {
      const repeat = RE2_REPEAT.exec(pattern.slice(i - 1));
      out += repeat === null ? '\\{' : repeat[0];
      i += repeat === null ? 0 : repeat[0].length - 1;
    } else {
      out += char === '.' ? '[^\\n]' : char === '}' || char === ']' ? `\\${char}` : char;
    }
  }
  try {
    new RegExp(out, 'u');
    return out;
  } catch {
    return undefined;
  }
}

/** The ECMAScript spelling of the escape whose letter is at `pattern[at]`, and where it ends. */
function ecmaScriptEscape(pattern: string, at: number, inClass: boolean): { text: string; end: number } | undefined {
  const letter = pattern[at];
  if (letter === undefined) return undefined;
  if ('dDwWtnrfv'.includes(letter) || (!inClass && 'bB'.includes(letter))) return { text: `\\${letter}`, end: at + 1 };
  if (letter === 's') return { text: inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]', end: at + 1 };
  if (letter === 'S' && !inClass) return { text: '[^\\t\\n\\f\\r ]', end: at + 1 };
  if (letter === 'x') {
    const hex = /^x(?:\{([0-9A-Fa-f]+)\}|[0-9A-Fa-f]{2})/.exec(pattern.slice(at));
    if (hex === null) return undefined;
    return { text: hex[1] === undefined ? `\\${hex[0]}` : `\\u{${hex[1]}}`, end: at + hex[0].length };
  }
  if (/^[A-Za-z0-9]$/.test(letter)) return undefined;
  // RE2 lets any punctuation be escaped; the `u` flag only syntax characters (and `-` in a class).
  const keep = SYNTAX_CHARS.includes(letter) || (inClass && letter === '-');
  return { text: keep ? `\\${letter}` : letter, end: at + 1 };
}
