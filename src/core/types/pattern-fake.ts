/**
 * Generates strings that a manifest pattern (RE2 syntax, see safe-regex.ts) matches as a
 * whole, for the subset of syntax manifests use: literals, `.`, escapes (`\d \w \s` and
 * their negations, `\t \n \r \f \v \xHH \x{HHHH}`, escaped punctuation), classes with
 * ranges and negation, groups (plain, `(?:…)`, named), alternation, greedy or lazy
 * quantifiers, and `^`/`$` at the very ends. The rest of RE2 (flags like `(?i)`, `\b`,
 * `\pL`, `[[:alpha:]]`, `\Q…\E`, `\A`, `\z`, characters outside the BMP) makes the pattern
 * unsupported: the manifest then needs an `example`. RE2 vets the syntax first, so this
 * parser only ever reads patterns the validator accepts.
 *
 * Length bounds are met by construction, not by retrying: every node knows the set of
 * lengths it can produce — a bigint bitset, bit n set when length n is possible — so the
 * generator picks a feasible total length first and then splits it down the tree.
 *
 * Characters come from printable ASCII unless the pattern names others, and `\s` stands
 * for the space alone: tabs and newlines would make awkward env values.
 */
import type { FakeRandom } from '../fake-random.js';
import { compileSafeRegex } from '../safe-regex.js';

type CharRange = readonly [number, number];

type PatternNode =
  | { kind: 'chars'; ranges: readonly CharRange[] }
  | { kind: 'seq'; items: readonly PatternNode[] }
  | { kind: 'alt'; options: readonly PatternNode[] }
  | { kind: 'repeat'; item: PatternNode; min: number; max: number };

/** A generator of strings that match the pattern, within the requested lengths. */
export type PatternFake = (random: FakeRandom) => string;

const PRINTABLE: CharRange = [0x20, 0x7e];
/** Fakes stay short; a pattern that needs longer matches is left to its example. */
const MAX_FAKE_LENGTH = 1024;
/** How far past its shortest match an unbounded pattern may grow. */
const LENGTH_SLACK = 32;

const CLASS_ESCAPES: Record<string, readonly CharRange[]> = {
  d: [[0x30, 0x39]],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  s: [[0x20, 0x20]],
};
const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d };
/** Quantifier braces; anything else starting with `{` is a literal brace, as in RE2. */
const BRACES_RE = /^\{(\d+)(,(\d*))?\}/;

class Unsupported extends Error {}

/**
 * A generator for strings of `minLength`..`maxLength` characters that `pattern` matches
 * as a whole, or undefined when the pattern is not valid RE2 syntax, uses syntax outside
 * the subset, or admits no such string of practical length. Lengths count UTF-16 code
 * units, like `String.length`.
 */
export function compilePatternFake(pattern: string, minLength = 0, maxLength = Infinity): PatternFake | undefined {
  // The parser is lenient where RE2 is strict (`[z-a]`, `a{2,1}`, `a**`), so RE2 vets the syntax first.
  if (typeof compileSafeRegex(pattern) === 'string') return undefined;
  let root: PatternNode;
  try {
    root = new PatternParser(pattern).parse();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const cap = Math.min(maxLength, Math.max(minLength, shortestLength(root)) + LENGTH_SLACK, MAX_FAKE_LENGTH);
  if (cap < minLength) return undefined;
  const lengths = new LengthSets(cap);
  const targets = bitsOf(lengths.of(root)).filter((length) => length >= minLength);
  if (targets.length === 0) return undefined;
  return (random) => lengths.generate(root, random.pick(targets), random);
}

/** Recursive-descent parser for the supported subset, throwing Unsupported for anything else. */
class PatternParser {
  readonly #source: string;
  #pos = 0;

  constructor(source: string) {
    this.#source = source;
  }

  parse(): PatternNode {
    const node = this.#alternation();
    if (this.#pos !== this.#source.length) throw new Unsupported();
    return node;
  }

  #peek(offset = 0): string | undefined {
    return this.#source[this.#pos + offset];
  }

  #next(): string {
    const char = this.#source[this.#pos++];
    // RE2 reads a surrogate pair as one character; this parser's lengths count UTF-16 units.
    if (char === undefined || /[\uD800-\uDFFF]/.test(char)) throw new Unsupported();
    return char;
  }

  #alternation(): PatternNode {
    const options = [this.#sequence()];
    while (this.#peek() === '|') {
      this.#pos++;
      options.push(this.#sequence());
    }
    return options.length === 1 ? (options[0] as PatternNode) : { kind: 'alt', options };
  }

  #sequence(): PatternNode {
    const items: PatternNode[] = [];
    while (this.#pos < this.#source.length && this.#peek() !== '|' && this.#peek() !== ')') {
      const atom = this.#atom();
      if (atom !== undefined) items.push(this.#quantified(atom));
    }
    return items.length === 1 ? (items[0] as PatternNode) : { kind: 'seq', items };
  }

  /** One atom, or undefined for an anchor at the very start or end, which whole-value matching makes redundant. */
  #atom(): PatternNode | undefined {
    const start = this.#pos;
    const char = this.#next();
    switch (char) {
      case '^':
        if (start === 0) return undefined;
        throw new Unsupported();
      case '$':
        if (start === this.#source.length - 1) return undefined;
        throw new Unsupported();
      case '(':
        return this.#group();
      case '[':
        return this.#class();
      case '.':
        return { kind: 'chars', ranges: [PRINTABLE] };
      case '\\':
        return charsOf(this.#escape());
      case '*':
      case '+':
      case '?':
        throw new Unsupported();
      case '{':
        if (BRACES_RE.test(this.#source.slice(start))) throw new Unsupported();
        return charsOf(char.charCodeAt(0));
      default:
        return charsOf(char.charCodeAt(0));
    }
  }

  #quantified(atom: PatternNode): PatternNode {
    const bounds = this.#quantifier();
    if (bounds === undefined) return atom;
    if (this.#peek() === '?') this.#pos++; // lazy matching accepts the same strings
    return { kind: 'repeat', item: atom, min: bounds[0], max: bounds[1] };
  }

  #quantifier(): [number, number] | undefined {
    const char = this.#peek();
    if (char === '*' || char === '+' || char === '?') {
      this.#pos++;
      return char === '*' ? [0, Infinity] : char === '+' ? [1, Infinity] : [0, 1];
    }
    const braces = char === '{' ? BRACES_RE.exec(this.#source.slice(this.#pos)) : null;
    if (braces === null) return undefined;
    this.#pos += braces[0].length;
    const min = Number(braces[1]);
    if (braces[2] === undefined) return [min, min];
    return [min, braces[3] === '' ? Infinity : Number(braces[3])];
  }

  #group(): PatternNode {
    if (this.#source.startsWith('?:', this.#pos)) {
      this.#pos += 2;
    } else if (this.#source.startsWith('?<', this.#pos) || this.#source.startsWith('?P<', this.#pos)) {
      // RE2 has vetted the name, and lookbehind is not RE2 syntax.
      this.#pos = this.#source.indexOf('>', this.#pos) + 1;
    } else if (this.#peek() === '?') {
      throw new Unsupported();
    }
    const inner = this.#alternation();
    if (this.#next() !== ')') throw new Unsupported();
    return inner;
  }

  /** A class `[…]`, after its opening bracket. A `]` first is a member, as RE2 reads it. */
  #class(): PatternNode {
    const negated = this.#peek() === '^';
    if (negated) this.#pos++;
    const ranges: CharRange[] = [];
    let first = true;
    while (first || this.#peek() !== ']') {
      first = false;
      if (this.#source.startsWith('[:', this.#pos)) throw new Unsupported(); // a POSIX class
      const from = this.#classAtom();
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== undefined) {
        this.#pos++;
        const to = this.#classAtom();
        if (typeof from !== 'number' || typeof to !== 'number') throw new Unsupported();
        ranges.push([from, to]);
      } else {
        ranges.push(...(typeof from === 'number' ? [[from, from] as const] : from));
      }
    }
    this.#pos++;
    return { kind: 'chars', ranges: negated ? complement(ranges) : normalize(ranges) };
  }

  /** One class member: a character code, or the ranges of a class escape like `\d`. */
  #classAtom(): number | readonly CharRange[] {
    const char = this.#next();
    return char === '\\' ? this.#escape() : char.charCodeAt(0);
  }

  /** The escape after a backslash: a character code, or the ranges of a class escape. */
  #escape(): number | readonly CharRange[] {
    const char = this.#next();
    const classEscape = CLASS_ESCAPES[char.toLowerCase()];
    if (classEscape !== undefined && /[dwsDWS]/.test(char)) {
      return char === char.toLowerCase() ? classEscape : complement(classEscape);
    }
    const control = CONTROL_ESCAPES[char];
    if (control !== undefined) return control;
    if (char === 'x') {
      const hex = /^(?:\{([0-9a-fA-F]+)\}|[0-9a-fA-F]{2})/.exec(this.#source.slice(this.#pos));
      if (hex === null) throw new Unsupported();
      this.#pos += hex[0].length;
      const code = Number.parseInt(hex[1] ?? hex[0], 16);
      if (code > 0xffff || (code >= 0xd800 && code <= 0xdfff)) throw new Unsupported();
      return code;
    }
    // Other letter and digit escapes are assertions, octal codes, Unicode classes or quoting.
    if (/[A-Za-z0-9]/.test(char)) throw new Unsupported();
    return char.charCodeAt(0);
  }
}

function charsOf(atom: number | readonly CharRange[]): PatternNode {
  return { kind: 'chars', ranges: typeof atom === 'number' ? [[atom, atom]] : atom };
}

/** Sorted, merged, non-overlapping ranges, so every character has one index for uniform picks. */
function normalize(ranges: readonly CharRange[]): CharRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [low, high] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && low <= last[1] + 1) last[1] = Math.max(last[1], high);
    else merged.push([low, high]);
  }
  return merged;
}

/** Printable ASCII minus the ranges: what a negated class may safely produce. */
function complement(ranges: readonly CharRange[]): CharRange[] {
  const out: CharRange[] = [];
  let next = PRINTABLE[0];
  for (const [low, high] of normalize(ranges)) {
    if (low > next) out.push([next, Math.min(low - 1, PRINTABLE[1])]);
    next = Math.max(next, high + 1);
  }
  if (next <= PRINTABLE[1]) out.push([next, PRINTABLE[1]]);
  return out;
}

function shortestLength(node: PatternNode): number {
  switch (node.kind) {
    case 'chars':
      return node.ranges.length > 0 ? 1 : Infinity;
    case 'seq':
      return node.items.reduce((sum, item) => sum + shortestLength(item), 0);
    case 'alt':
      return Math.min(...node.options.map(shortestLength));
    case 'repeat':
      return node.min === 0 ? 0 : node.min * shortestLength(node.item);
  }
}

/** The set bits of a length set, ascending. */
function bitsOf(set: bigint): number[] {
  const binary = set.toString(2);
  const bits: number[] = [];
  for (let i = binary.length - 1; i >= 0; i--) if (binary[i] === '1') bits.push(binary.length - 1 - i);
  return bits;
}

function hasBit(set: bigint, bit: number): boolean {
  return bit >= 0 && ((set >> BigInt(bit)) & 1n) === 1n;
}

/** Length sets of every node, capped at `cap`, and generation of a string of an exact length. */
class LengthSets {
  readonly #mask: bigint;
  readonly #sets = new Map<PatternNode, bigint>();
  /** Per sequence: lengths its items from index i onwards can produce together. */
  readonly #suffixes = new Map<PatternNode, bigint[]>();
  /**
   * Per repeat: lengths of exactly r copies, for r = 0, 1, … until the set stops changing
   * or empties; later counts have the same set as the last entry.
   */
  readonly #copies = new Map<PatternNode, bigint[]>();

  constructor(cap: number) {
    this.#mask = (1n << BigInt(cap + 1)) - 1n;
  }

  of(node: PatternNode): bigint {
    let set = this.#sets.get(node);
    if (set === undefined) {
      set = this.#compute(node) & this.#mask;
      this.#sets.set(node, set);
    }
    return set;
  }

  #combine(a: bigint, b: bigint): bigint {
    let out = 0n;
    for (const length of bitsOf(a)) out |= b << BigInt(length);
    return out & this.#mask;
  }

  #compute(node: PatternNode): bigint {
    switch (node.kind) {
      case 'chars':
        return node.ranges.length > 0 ? 0b10n : 0n;
      case 'alt':
        return node.options.reduce((set, option) => set | this.of(option), 0n);
      case 'seq': {
        const suffixes = [1n];
        for (const item of [...node.items].reverse()) suffixes.unshift(this.#combine(this.of(item), suffixes[0] ?? 0n));
        this.#suffixes.set(node, suffixes);
        return suffixes[0] ?? 0n;
      }
      case 'repeat': {
        const item = this.of(node.item);
        const copies = [1n];
        while (copies.length <= node.max) {
          const previous = copies.at(-1) ?? 0n;
          const next = this.#combine(item, previous);
          if (next === previous) break;
          copies.push(next);
          if (next === 0n) break;
        }
        this.#copies.set(node, copies);
        const last = Math.min(node.max, copies.length - 1);
        let set = 0n;
        for (let count = Math.min(node.min, last); count <= last; count++) set |= copies[count] ?? 0n;
        return set;
      }
    }
  }

  /** A string of exactly `length` characters matching `node`; `length` must be in its set. */
  generate(node: PatternNode, length: number, random: FakeRandom): string {
    switch (node.kind) {
      case 'chars':
        return pickChar(node.ranges, random);
      case 'alt':
        const option = random.pick(node.options.filter((candidate) => hasBit(this.of(candidate), length)));
        return this.generate(option, length, random);
      case 'seq': {
        const suffixes = this.#suffixes.get(node) ?? [];
        let left = length;
        let out = '';
        node.items.forEach((item, index) => {
          const rest = suffixes[index + 1] ?? 0n;
          const part = random.pick(bitsOf(this.of(item)).filter((size) => hasBit(rest, left - size)));
          out += this.generate(item, part, random);
          left -= part;
        });
        return out;
      }
      case 'repeat': {
        const copies = this.#copies.get(node) ?? [];
        const exactly = (count: number): bigint => copies[Math.min(count, copies.length - 1)] ?? 0n;
        const last = Math.min(node.max, copies.length - 1);
        const counts: number[] = [];
        for (let count = Math.min(node.min, last); count <= last; count++) {
          if (hasBit(exactly(count), length)) counts.push(count);
        }
        // When the sets settled before `min`, the entry standing for `min` copies was picked.
        const count = Math.max(random.pick(counts), node.min);
        const itemLengths = bitsOf(this.of(node.item));
        let left = length;
        let out = '';
        for (let made = 1; made <= count; made++) {
          const part = random.pick(itemLengths.filter((size) => hasBit(exactly(count - made), left - size)));
          out += this.generate(node.item, part, random);
          left -= part;
        }
        return out;
      }
    }
  }
}

function pickChar(ranges: readonly CharRange[], random: FakeRandom): string {
  const total = ranges.reduce((sum, [low, high]) => sum + high - low + 1, 0);
  let index = random.intBetween(0, total - 1);
  for (const [low, high] of ranges) {
    if (index <= high - low) return String.fromCharCode(low + index);
    index -= high - low + 1;
  }
  throw new Error('unreachable: index within total');
}
