/**
 * Telling an example file's real values from its placeholders. A placeholder says "put
 * something here" (`your-super-secret-…`, `<office365_password>`, `sk-proj-xxxxxxxx`,
 * `changeme`, `${PGUSER}`, `admin@example.com`): it may still show the form of a value (a
 * URL and its scheme, an address, a leading dot), but it never becomes a default, a token
 * prefix, a length or an alphabet. An empty value, or one a framework reads as empty
 * (`null`), says the app has its own default.
 *
 * Every rule below was met in the example files of real projects (see
 * test/fixtures/env-examples); the report names the rule, never the value.
 */

/** Why a value is no real value: empty (the app's own default applies) or a placeholder. */
export interface Placeholder {
  kind: 'empty' | 'placeholder';
  /** The rule that matched, for the report: never the value. */
  rule: string;
}

/** Values frameworks read as "not set": Laravel's env() turns `null` and `(null)` into null. */
const EMPTY_WORDS = new Set(['null', '(null)', 'none', 'nil', 'undefined']);

/**
 * Words that make up values which only name what belongs there (`secret`, `add some
 * secret here`, `secret-key`, `access-key`) or are stock filler (`foo`, `deadbeef`, `stub`).
 */
const DUMMY_WORDS = new Set([
  'secret', 'secrets', 'password', 'passwd', 'pass', 'key', 'token', 'salt', 'value', 'access', 'api', 'string', 'some',
  'add', 'here', 'a', 'an', 'the', 'random', 'my', 'foo', 'bar', 'baz', 'foobar', 'deadbeef', 'cafebabe', 'stub', 'dummy',
  'sample', 'example', 'fake', 'placeholder', 'changeme', 'xxx', 'put', 'enter', 'insert', 'generated', 'long',
]);

const RULES: readonly [test: (value: string, name: string) => boolean, rule: string][] = [
  [(value) => value.includes('${'), 'interpolated ${…}'],
  [(value) => /<[A-Za-z][\w -]{2,}>/.test(value), 'a <…> placeholder'],
  [(value) => /(?:^|[^${])\{[A-Za-z][\w-]*\}/.test(value), 'a {…} placeholder'],
  [(value) => /(?:^|[^A-Za-z0-9])(?:x{3,}|X{3,}|\*{3,})(?=$|[^A-Za-z0-9])/.test(value) || /\.\.\.|…/.test(value), 'filler characters (xxx, ***, ...)'],
  // Not "Your code is {{ .Code }}": a sentence addressed to a user is a real value.
  [(value) => /(?:^|[^a-z])your(?:[-_.]|[a-z])/i.test(value) || value.startsWith('your '), 'addressed to the reader (your…)'],
  [
    (value) => /(?:^|[^a-z])(?:change[-_ ]?(?:me|this)|replace[-_ ]?(?:me|with|this)|fix[-_ ]?me|todo|tbd|insecure|placeho?lder|fill[-_ ]?(?:me|in))(?=[^a-z]|$)/i.test(value),
    'an instruction to replace it',
  ],
  [(value) => /^(?:fake|dummy|sample|example)[-_ ]/i.test(value), 'marked as fake, dummy or sample'],
  [(value) => value.split(/[-_ ]+/).every((word) => DUMMY_WORDS.has(word.toLowerCase())), 'stock words only'],
  [(value, name) => value.toUpperCase() === name.toUpperCase(), "the variable's own name"],
  [(value) => /^(.)\1{2,}$/.test(value) && (value.length >= 8 || !/[A-Za-z0-9]/.test(value)), 'one character repeated'],
  [(value) => isExampleDomain(value), 'a reserved example domain (RFC 2606)'],
];

/** The host part of an address, a URL or a bare host name, lowercase. */
function hostOf(value: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? URL.parse(value) : null;
  if (url !== null) return url.hostname.toLowerCase();
  const at = value.lastIndexOf('@');
  return (at >= 0 ? value.slice(at + 1) : value).replace(/^\./, '').replace(/>$/, '').toLowerCase();
}

/** `example.com/.net/.org` and the `.test`, `.example`, `.invalid` top-level domains never name a real host. */
function isExampleDomain(value: string): boolean {
  return /(?:^|\.)example\.(?:com|net|org)$|\.(?:test|example|invalid)$/.test(hostOf(value));
}

/**
 * Whether `value`, the example of `name`, is empty or a placeholder, and by which rule;
 * undefined for a real value.
 */
export function placeholderOf(name: string, value: string): Placeholder | undefined {
  if (value.trim() === '') return { kind: 'empty', rule: 'empty' };
  if (EMPTY_WORDS.has(value.toLowerCase())) return { kind: 'empty', rule: 'null (read as not set)' };
  const match = RULES.find(([test]) => test(value, name));
  return match === undefined ? undefined : { kind: 'placeholder', rule: match[1] };
}
