/**
 * A JSON Schema (2020-12) of the environment the manifest describes: an object of strings,
 * one property per variable. Every value is text, so a type's rules become `pattern`s
 * (ECMA-262 regexes, which JSON Schema specifies), `enum`s and `format`s; what none of them
 * can say (a number's range, a key's size) is named in the property's description instead.
 *
 * A value the schema accepts may still fail devsecrets' own check where the description
 * says so; a value devsecrets accepts passes the schema, but for the few spellings noted
 * where a property is built.
 */
import { DURATION_RE } from '../duration-text.js';
import type { SpecOf, VarSpec } from '../manifest-schema.js';
import { ecmaScriptPattern } from '../safe-regex.js';
import { describeSpec } from '../spec-comment.js';
import { localPrefix } from '../token-prefix.js';
import { NUMBER_RE } from '../types/numeric.js';
import { envText } from '../types/type-def.js';
import { schemaMarker } from './formats.js';
import { integerRangePattern } from './int-range-pattern.js';

/** What a variable's type makes of its property. */
interface Shape {
  /** Keywords besides `type`, `pattern` and `description`: `enum`, `format`, lengths. */
  keywords?: Record<string, unknown>;
  /** Regexes the value must match, each searched for as JSON Schema does (so anchored where whole). */
  patterns?: string[];
  /** The spec's rules this schema cannot check, for the description. */
  unchecked?: string[];
}

const TOKEN_CHARSETS = { alnum: '[A-Za-z0-9]', hex: '[0-9a-f]', base64url: '[A-Za-z0-9_-]' } as const;
const BASE64_CHARS = { base64: '[A-Za-z0-9+/]', base64url: '[A-Za-z0-9_-]' } as const;
/** Base64 characters whose low 4 bits (or 2 bits) are zero: what a canonical last character carries. */
const LAST_OF_ONE_BYTE = '[AQgw]';
const LAST_OF_TWO_BYTES = '[AEIMQUYcgkosw048]';
/** What a `*` of a url host pattern stands for: one or more labels. */
const HOST_LABELS = '[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*';
/** RFC 1123 labels, dot-separated; each label's dash rule keeps the match unambiguous. */
const HOSTNAME_PATTERN = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*';
/** Three base64url parts: a JWT's form; its JSON and signature are devsecrets' to judge. */
const JWT_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';

/**
 * The schema document as JSON text (two-space indented, the marker first, as `$comment`):
 * properties in manifest order, `required` naming each variable that is required and has no
 * default, any other variable of the environment allowed as a string. It never holds a
 * secret's value: secrets have no default, and their `example` is left out.
 */
export function renderJsonSchema(vars: Readonly<Record<string, VarSpec>>): string {
  const properties = Object.fromEntries(Object.entries(vars).map(([name, spec]) => [name, propertyOf(spec)]));
  const document = {
    $comment: schemaMarker('json-schema'),
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Env',
    description: 'The environment variables devsecrets.json declares, as a program receives them: every value a string.',
    type: 'object',
    properties,
    required: Object.entries(vars).filter(([, spec]) => spec.required !== false && spec.default === undefined).map(([name]) => name),
    additionalProperties: { type: 'string' },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function propertyOf(spec: VarSpec): Record<string, unknown> {
  const { keywords = {}, patterns = [], unchecked = [] } = shapeOf(spec);
  const notes = unchecked.length === 0 ? [] : [`Not checked by this schema: ${unchecked.join('; ')}.`];
  const defaultText = envText(spec, spec.default);
  const exampleText = spec.secret === true ? undefined : envText(spec, spec.example);
  return {
    description: [spec.description, describeSpec(spec), ...notes].filter((text) => text !== undefined && text !== '').join('\n\n'),
    type: 'string',
    ...keywords,
    ...(patterns.length === 1 ? { pattern: patterns[0] } : patterns.length > 1 ? { allOf: patterns.map((pattern) => ({ pattern })) } : {}),
    ...(defaultText === undefined ? {} : { default: defaultText }),
    ...(exampleText === undefined ? {} : { examples: [exampleText] }),
  };
}

function shapeOf(spec: VarSpec): Shape {
  switch (spec.type) {
    case 'string':
      return stringShape(spec);
    case 'int':
      return { patterns: [integerRangePattern(spec.min, spec.max)] };
    case 'number':
      return { patterns: [NUMBER_RE.source], unchecked: spec.min === undefined && spec.max === undefined ? [] : ['the range'] };
    case 'bool':
      return { keywords: { enum: ['true', 'false'] } };
    case 'port':
      return { patterns: [integerRangePattern(1, 65535)] };
    case 'enum':
      return { keywords: { enum: spec.values } };
    case 'url':
      return urlShape(spec);
    case 'email':
      return { keywords: { format: 'email' }, unchecked: ['the length limits of an address'] };
    case 'hostname':
      // A cookie domain's leading dot is no hostname to the `hostname` format.
      return spec.leadingDot === true
        ? { patterns: [`^\\.?${HOSTNAME_PATTERN}$`], unchecked: ['the length limits of a hostname'] }
        : { keywords: { format: 'hostname' }, unchecked: ['a final dot, which devsecrets refuses'] };
    case 'uuid':
      return { keywords: { format: 'uuid' }, patterns: ['^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'] };
    case 'duration':
      return { patterns: [DURATION_RE.source], unchecked: spec.min === undefined && spec.max === undefined ? [] : ['the range'] };
    case 'token':
      return { patterns: [tokenPattern(spec)] };
    case 'bytes':
      return { keywords: { minLength: 1 }, patterns: [bytesPattern(spec.encoding ?? 'base64', spec.length)] };
    case 'private-key':
      // The header a PEM key devsecrets can read starts with; an encrypted key's says ENCRYPTED.
      return { patterns: ['-----BEGIN (?:RSA |EC )?PRIVATE KEY-----'], unchecked: ['that the key parses, its algorithm, size and curve'] };
    case 'json':
      return { keywords: { contentMediaType: 'application/json' }, unchecked: ['that the text is JSON'] };
    case 'jwt':
      return { patterns: [JWT_PATTERN], unchecked: ['the header, the claims and the signature'] };
  }
}

/**
 * Lengths count code points here, where devsecrets counts UTF-16 units: they differ only for
 * characters outside the Basic Multilingual Plane (emoji).
 */
function stringShape(spec: SpecOf<'string'>): Shape {
  const keywords = {
    ...(spec.minLength === undefined ? {} : { minLength: spec.minLength }),
    ...(spec.maxLength === undefined ? {} : { maxLength: spec.maxLength }),
  };
  if (spec.pattern === undefined) return { keywords };
  const pattern = ecmaScriptPattern(spec.pattern);
  return pattern === undefined
    ? { keywords, unchecked: ['the pattern, whose RE2 syntax has no ECMAScript spelling'] }
    : { keywords, patterns: [`^(?:${pattern})$`] };
}

/**
 * Scheme and host match in any case, as URL parsing lowercases them; a required parameter
 * is looked for as `URLSearchParams` spells it (`a%20b` for `a b`), and, unlike devsecrets,
 * without checking that it is the parameter's first occurrence.
 */
function urlShape(spec: SpecOf<'url'>): Shape {
  // A list's urls are checked one by one by devsecrets; a pattern would see only the first.
  if (spec.list === true) return { unchecked: ['each url of the comma-separated list'] };
  const patterns: string[] = [];
  const unchecked: string[] = [];
  if (spec.protocols !== undefined) patterns.push(`^(?:${spec.protocols.map((protocol) => anyCase(escapeRegex(protocol))).join('|')}):`);
  for (const [key, value] of Object.entries(spec.params ?? {})) {
    patterns.push(`^[^#]*[?&]${escapeRegex(new URLSearchParams([[key, value]]).toString())}(?:[&#]|$)`);
  }
  if (spec.host !== undefined) {
    // With several `*` a backtracking engine takes time exponential in their number: left to devsecrets.
    if (spec.host.some((glob) => glob.split('*').length > 2)) unchecked.push('the host patterns');
    else patterns.push(`^[A-Za-z][A-Za-z0-9+.-]*:\\/\\/(?:[^\\/?#]*@)?(?:${spec.host.map(hostRegex).join('|')})(?::[0-9]*)?(?:[\\/?#]|$)`);
  }
  return { keywords: { format: 'uri' }, patterns, unchecked };
}

function hostRegex(glob: string): string {
  return glob.split('*').map((part) => anyCase(escapeRegex(part))).join(HOST_LABELS);
}

/** A token's live prefix is also accepted in its test spelling, which stands in for it on a developer's machine. */
function tokenPattern(spec: SpecOf<'token'>): string {
  const prefixes = [...new Set([spec.prefix ?? '', localPrefix(spec.prefix ?? '')])].map(escapeRegex);
  const head = prefixes.length === 1 ? prefixes[0] : `(?:${prefixes.join('|')})`;
  const rest = spec.length === undefined ? '+' : `{${spec.length - (spec.prefix ?? '').length}}`;
  return `^${head}${TOKEN_CHARSETS[spec.charset ?? 'alnum']}${rest}$`;
}

/** Canonical text of `length` bytes (any length when undefined): one spelling per key, as devsecrets reads it. */
function bytesPattern(encoding: NonNullable<SpecOf<'bytes'>['encoding']>, length: number | undefined): string {
  if (encoding === 'hex') {
    const digits = length === undefined ? '{2})+' : `{${length * 2}})`;
    return `^(?:(?:[0-9a-f]${digits}|(?:[0-9A-F]${digits})$`;
  }
  const char = BASE64_CHARS[encoding];
  const padding = encoding === 'base64' ? ['==', '='] : ['', ''];
  const oneByte = `${char}${LAST_OF_ONE_BYTE}${padding[0]}`;
  const twoBytes = `${char}{2}${LAST_OF_TWO_BYTES}${padding[1]}`;
  if (length === undefined) return `^(?:${char}{4})*(?:${oneByte}|${twoBytes})?$`;
  const groups = Math.floor(length / 3);
  const tail = ['', oneByte, twoBytes][length % 3];
  return `^${groups === 0 ? '' : `${char}{${groups * 4}}`}${tail}$`;
}

/** Text matched literally, in a regex with the `u` flag (which allows escaping syntax characters only). */
function escapeRegex(text: string): string {
  return text.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&');
}

/** Letters matched in either case (JSON Schema patterns take no flags); `escapeRegex` output holds no escaped letter. */
function anyCase(source: string): string {
  return source.replace(/[a-zA-Z]/g, (letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`);
}
