/**
 * The `# devsecrets:` comment: a variable's whole spec on one line that people read and
 * `devsecrets init --from` parses back exactly, so a generated `.env.example` gives back the
 * manifest it came from instead of a guess from example values.
 *
 *     # devsecrets: url · protocols postgresql, postgres · params sslmode=require · secret
 *     # devsecrets: int · min 1 · max 120 · default 30
 *
 * After `devsecrets:` comes the type, then one clause per option, separated by ` · `: the
 * option's manifest name and its value — a number, a word, a list (`a, b`), a map
 * (`key=value, …`) — or, for the common flags, just `secret`, `optional` (`"required":
 * false`), `noFake` (`"fake": false`) or `loaderControl`. A text is written bare when it reads back unchanged: no
 * space, control character, `"` or `·`, and no `,` in a list or a map (nor `=` in a map's
 * key); otherwise it is a JSON string. `example` (any JSON value in the manifest, as is `default`
 * of a `json` variable) is written as JSON, or bare when it is a text that does not read as
 * JSON. The description is not in the line: it is the comment lines around it.
 *
 * Options are listed per type in one table ({@link OPTIONS}): a new type is one more entry.
 */
import { DevsecretsError } from './errors.js';
import { varSpecSchema, type SpecOf, type VarSpec, type VarType } from './manifest-schema.js';
import { NUMBER_RE } from './types/numeric.js';

/** How an option's value is spelt. */
type ValueKind = 'number' | 'boolean' | 'text' | 'list' | 'map' | 'json';

/** The fields every type has; the flags and `example` are written after a type's own options. */
type CommonField = 'type' | 'secret' | 'required' | 'description' | 'example' | 'loaderControl' | 'fake';

/**
 * Each type's options (its `default` included), in the order the comment lists them. Typed
 * so that an option added to the manifest's schema and missing here fails to compile: an
 * option left out would silently drop from the round trip.
 */
const OPTIONS: { readonly [T in VarType]: { readonly [K in Exclude<keyof SpecOf<T>, CommonField>]-?: ValueKind } } = {
  string: { minLength: 'number', maxLength: 'number', pattern: 'text', default: 'text' },
  int: { min: 'number', max: 'number', default: 'number' },
  number: { min: 'number', max: 'number', default: 'number' },
  bool: { default: 'boolean' },
  port: { default: 'number' },
  enum: { values: 'list', default: 'text' },
  url: { protocols: 'list', params: 'map', host: 'list', list: 'boolean', default: 'text' },
  email: { default: 'text' },
  hostname: { leadingDot: 'boolean', default: 'text' },
  uuid: { default: 'text' },
  duration: { min: 'text', max: 'text', default: 'text' },
  token: { prefix: 'text', length: 'number', charset: 'text', default: 'text' },
  bytes: { encoding: 'text', length: 'number', default: 'text' },
  'private-key': { algorithm: 'text', minBits: 'number', curve: 'text', default: 'text' },
  json: { default: 'json' },
  jwt: { alg: 'text', claims: 'json', requiredClaims: 'list', signedWith: 'text', default: 'text' },
};

/** The common flags, and the spec field each one sets. */
const FLAGS = { secret: ['secret', true], optional: ['required', false], noFake: ['fake', false], loaderControl: ['loaderControl', true] } as const;

const LEAD = 'devsecrets:';
const SEPARATOR = ' · ';
/** A map without entries (`"params": {}`); a key spelt `{}` still reads as a key, since `=` follows it. */
const EMPTY_MAP = '{}';
/** What a bare text may not hold anywhere; a list item or map entry may not hold its separators either. */
const NEEDS_QUOTES = /[\s"·\p{Cc}]/u;

/**
 * The spec's clauses without the lead: `url · protocols https · secret`, the summary
 * every export (comments, JSDoc, JSON Schema descriptions) shows. A secret's `example`
 * is left out — no export ever carries a value of a secret — and so are fields that
 * restate a default (`"secret": false`, `"required": true`) and the description.
 */
export function describeSpec(spec: VarSpec): string {
  const fields = spec as Readonly<Record<string, unknown>>;
  const clauses: string[] = [spec.type];
  for (const [option, kind] of Object.entries<ValueKind>(OPTIONS[spec.type])) {
    if (fields[option] !== undefined) clauses.push(`${option} ${formatValue(kind, fields[option])}`);
  }
  if (spec.example !== undefined && spec.secret !== true) clauses.push(`example ${formatValue('json', spec.example)}`);
  for (const [flag, [field, value]] of Object.entries(FLAGS)) if (fields[field] === value) clauses.push(flag);
  return clauses.join(SEPARATOR);
}

/** The comment's text (without `#`): `devsecrets: ` and {@link describeSpec}. */
export function formatSpecComment(spec: VarSpec): string {
  return `${LEAD} ${describeSpec(spec)}`;
}

/** Whether a comment's text (with or without its `#`) is a spec comment; `devsecrets:allow` is not. */
export function isSpecComment(comment: string): boolean {
  return /^devsecrets:\s/.test(withoutHash(comment));
}

/**
 * Reads a spec comment back: `parseSpecComment(formatSpecComment(spec))` equals `spec` but
 * for what {@link describeSpec} leaves out. The result has the manifest's structure; its
 * semantic checks (min above max, …) are the manifest's job.
 * @param comment a comment's text, with or without its `#`.
 * @returns undefined when the comment is not a spec comment.
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) saying what is wrong with it.
 */
export function parseSpecComment(comment: string): VarSpec | undefined {
  if (!isSpecComment(comment)) return undefined;
  const reader = new Reader(withoutHash(comment).slice(LEAD.length));
  const type = reader.bare('');
  if (!Object.hasOwn(OPTIONS, type)) throw invalid(`names no devsecrets type (${JSON.stringify(type)})`);
  const options: Readonly<Record<string, ValueKind>> = { ...(OPTIONS[type as VarType] as Readonly<Record<string, ValueKind>>), example: 'json' };
  const spec: Record<string, unknown> = { type };
  const flags: Record<string, unknown> = {};
  while (!reader.atEnd()) {
    reader.expect('·');
    const clause = reader.bare('');
    if (Object.hasOwn(spec, clause) || Object.hasOwn(flags, clause)) throw invalid(`repeats ${clause}`);
    if (Object.hasOwn(FLAGS, clause)) flags[clause] = true;
    else if (Object.hasOwn(options, clause)) spec[clause] = reader.value(options[clause]!);
    else throw invalid(`has ${JSON.stringify(clause)}, which is not an option of ${type}`);
  }
  for (const [flag, [field, value]] of Object.entries(FLAGS)) if (Object.hasOwn(flags, flag)) spec[field] = value;
  const parsed = varSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`gives ${issue?.path.join('.') || type} a value the manifest does not allow (${issue?.message ?? 'invalid'})`);
  }
  // The comment's own order (type, options, flags), which reads better in a manifest than the schema's.
  return spec as VarSpec;
}

/**
 * The spec the comment lines directly above a dotenv variable give it: their spec comment
 * (the last one, when several), with the other lines, in order, as its description.
 * @param comments the lines' texts, each without its `#` and the one space after it.
 * @returns undefined when no line is a spec comment.
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) naming `name` when the spec comment is malformed.
 */
export function specFromComments(name: string, comments: readonly string[]): VarSpec | undefined {
  const at = comments.findLastIndex(isSpecComment);
  if (at === -1) return undefined;
  let spec: VarSpec | undefined;
  try {
    spec = parseSpecComment(comments[at]!);
  } catch (error) {
    if (!(error instanceof DevsecretsError)) throw error;
    throw new DevsecretsError(error.code, `${name}: ${error.message}`, { hint: error.hint });
  }
  const description = comments.filter((_, index) => index !== at).join('\n');
  return spec === undefined || description === '' ? spec : { ...spec, description };
}

function withoutHash(comment: string): string {
  return comment.replace(/^\s*#\s?/, '');
}

function invalid(problem: string): DevsecretsError {
  return new DevsecretsError('ENV_FILE_INVALID', `its # devsecrets: comment ${problem}`, {
    hint: 'fix that comment, or delete it to have the type guessed from the value; devsecrets schema --format env-example writes it',
  });
}

function formatValue(kind: ValueKind, value: unknown): string {
  switch (kind) {
    case 'number':
    case 'boolean':
      return String(value);
    case 'text':
      return formatText(String(value), '');
    case 'list':
      return (value as readonly string[]).map((item) => formatText(item, ',')).join(', ');
    case 'map': {
      const entries = Object.entries(value as Record<string, string>);
      return entries.length === 0 ? EMPTY_MAP : entries.map(([key, item]) => `${formatText(key, ',=')}=${formatText(item, ',')}`).join(', ');
    }
    case 'json':
      return typeof value === 'string' && value !== '' && !NEEDS_QUOTES.test(value) && !/^[[{]/.test(value) && readsAsJson(value) === undefined
        ? value
        : JSON.stringify(value);
  }
}

/** `text` bare when it reads back unchanged between `separators`, else as a JSON string. */
function formatText(text: string, separators: string): string {
  const bare = text !== '' && !NEEDS_QUOTES.test(text) && ![...separators].some((separator) => text.includes(separator));
  return bare ? text : JSON.stringify(text);
}

/** The JSON value `text` spells, or undefined when it spells none. */
function readsAsJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A cursor over the clauses of a spec comment. */
class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.skipSpaces();
    return this.at >= this.text.length;
  }

  expect(char: string): void {
    this.skipSpaces();
    if (this.text[this.at] !== char) throw invalid(`needs ${char} between clauses`);
    this.at += 1;
  }

  value(kind: ValueKind): unknown {
    switch (kind) {
      case 'number': {
        const word = this.bare('');
        if (!NUMBER_RE.test(word)) throw invalid(`has ${JSON.stringify(word)} where a number belongs`);
        return Number(word);
      }
      case 'boolean': {
        const word = this.bare('');
        if (word !== 'true' && word !== 'false') throw invalid(`has ${JSON.stringify(word)} where true or false belongs`);
        return word === 'true';
      }
      case 'text':
        return this.textValue('');
      case 'list':
        return this.items(() => this.textValue(','));
      case 'map':
        if (this.consume(EMPTY_MAP)) return {};
        return Object.fromEntries(this.items(() => {
          const key = this.textValue(',=');
          this.expect('=');
          return [key, this.textValue(',')];
        }));
      case 'json':
        return this.json();
    }
  }

  /** Whether `word` comes next, as a whole word; if so, it is read. */
  private consume(word: string): boolean {
    this.skipSpaces();
    const end = this.at + word.length;
    if (this.text.slice(this.at, end) !== word || (end < this.text.length && !/\s/.test(this.text[end]!))) return false;
    this.at = end;
    return true;
  }

  /** A word up to a space or a separator; empty when there is none. */
  bare(separators: string): string {
    this.skipSpaces();
    const start = this.at;
    while (this.at < this.text.length && !/\s/.test(this.text[this.at]!) && !separators.includes(this.text[this.at]!)) this.at += 1;
    return this.text.slice(start, this.at);
  }

  private textValue(separators: string): string {
    this.skipSpaces();
    if (this.text[this.at] === '"') return this.quoted();
    const word = this.bare(separators);
    // A `·` here is the next clause's: the option before it has no value.
    if (word === '' || word === '·') throw invalid('is missing a value');
    return word;
  }

  private items<T>(item: () => T): T[] {
    const items = [item()];
    for (this.skipSpaces(); this.text[this.at] === ','; this.skipSpaces()) {
      this.at += 1;
      items.push(item());
    }
    return items;
  }

  /** A JSON string literal. */
  private quoted(): string {
    const start = this.at;
    for (this.at += 1; this.at < this.text.length && this.text[this.at] !== '"'; this.at += 1) if (this.text[this.at] === '\\') this.at += 1;
    this.at += 1;
    const literal = readsAsJson(this.text.slice(start, this.at));
    if (typeof literal?.value !== 'string') throw invalid('has a quoted text that is not a JSON string');
    return literal.value;
  }

  /** A JSON value (an object or array up to its closing bracket), or a bare text that spells none. */
  private json(): unknown {
    this.skipSpaces();
    const opening = this.text[this.at];
    if (opening === '"') return this.quoted();
    if (opening !== '{' && opening !== '[') {
      const word = this.bare('');
      if (word === '') throw invalid('is missing a value');
      const json = readsAsJson(word);
      return json === undefined ? word : json.value;
    }
    const start = this.at;
    let depth = 0;
    for (; this.at < this.text.length; this.at += 1) {
      const char = this.text[this.at];
      if (char === '"') {
        this.quoted();
        this.at -= 1;
      } else if (char === '{' || char === '[') {
        depth += 1;
      } else if ((char === '}' || char === ']') && --depth === 0) {
        break;
      }
    }
    this.at += 1;
    const parsed = readsAsJson(this.text.slice(start, this.at));
    if (parsed === undefined) throw invalid('has an example or default that is not valid JSON');
    return parsed.value;
  }

  private skipSpaces(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at += 1;
  }
}
