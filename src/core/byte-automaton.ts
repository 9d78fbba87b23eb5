/**
 * Aho–Corasick over bytes, compiled to a deterministic automaton: one table look-up per input
 * byte whatever the number of patterns, so `run --redact` scans a chatty child's output at a
 * few nanoseconds a byte. Written here rather than taken from npm: the maintained JavaScript
 * implementations (modern-ahocorasick, @monyone/aho-corasick, ahocorasick) match UTF-16
 * strings, not bytes, and scanned 50 MB of log lines in 1.1 s or more where this table takes
 * about 0.15 s on the same machine; one of them hung on it.
 *
 * Bytes that no pattern holds share class 0 and each byte a pattern holds has a class of its
 * own, so a row of the table is as wide as the patterns' alphabet (about 80 bytes for the
 * base64, hex and URL forms of secrets) rather than 256. State ids are premultiplied by that
 * width (`next = table[state + classOf[byte]]`), and numbered so that every state where a
 * pattern ends comes after all others: one comparison tells whether a byte ends a match.
 */

/** A pattern that ends where a state is reached: its index in the list compiled, and its length in bytes. */
export interface PatternEnd {
  pattern: number;
  length: number;
}

/** The automaton of a list of byte patterns, each at least one byte long. */
export class ByteAutomaton {
  /** The start state: no byte of any pattern seen yet. */
  static readonly START = 0;
  /** Transitions: the state after `byte` in `state` is `table[state + classOf[byte]]`. */
  readonly table: Uint32Array;
  /** Each byte's column in a row of `table`. */
  readonly classOf: Uint16Array;
  /** The states from this id on are those where at least one pattern ends. */
  readonly firstMatching: number;
  /** The longest pattern's length in bytes (0 without patterns). */
  readonly longest: number;
  readonly #width: number;
  readonly #open: Uint32Array;
  readonly #ends: ReadonlyArray<readonly PatternEnd[]>;

  /** @throws RangeError when a pattern is empty */
  constructor(patterns: readonly Uint8Array[]) {
    this.classOf = new Uint16Array(256);
    let width = 1;
    let total = 1;
    for (const pattern of patterns) {
      if (pattern.length === 0) throw new RangeError('an automaton pattern must not be empty');
      total += pattern.length;
      for (const byte of pattern) if (this.classOf[byte] === 0) this.classOf[byte] = width++;
    }
    this.#width = width;
    this.longest = patterns.reduce((longest, pattern) => Math.max(longest, pattern.length), 0);

    // The trie, one row per node, -1 where it has no child; then completed in place into the
    // automaton, breadth first, so that a node's failure state is complete before the node.
    const next = new Int32Array(total * width).fill(-1);
    const depth = [0];
    const hasChild = [false];
    const own: PatternEnd[][] = [[]];
    patterns.forEach((pattern, index) => {
      let node = 0;
      for (const byte of pattern) {
        const at = node * width + this.classOf[byte]!;
        if (next[at] === -1) {
          next[at] = depth.length;
          hasChild[node] = true;
          depth.push(depth[node]! + 1);
          hasChild.push(false);
          own.push([]);
        }
        node = next[at]!;
      }
      own[node]!.push({ pattern: index, length: pattern.length });
    });
    const count = depth.length;
    const failure = new Int32Array(count);
    const ends: PatternEnd[][] = new Array<PatternEnd[]>(count);
    ends[0] = [];
    // How many of the last bytes may still grow into a match: the deepest node of the failure
    // chain that has a child. A match reaching a leaf is complete and cannot grow.
    const open = new Uint32Array(count);
    const order = [0];
    for (let index = 0; index < order.length; index += 1) {
      const node = order[index]!;
      // A node's own patterns are longer than those of its failure chain: longest first.
      if (node !== 0) {
        ends[node] = own[node]!.length === 0 ? ends[failure[node]!]! : [...own[node]!, ...ends[failure[node]!]!];
        open[node] = hasChild[node] === true ? depth[node]! : open[failure[node]!]!;
      }
      for (let column = 0; column < width; column += 1) {
        const at = node * width + column;
        const fallback = node === 0 ? 0 : next[failure[node]! * width + column]!;
        const child = next[at]!;
        if (child === -1) {
          next[at] = fallback;
        } else {
          failure[child] = fallback;
          order.push(child);
        }
      }
    }

    const renumbered = new Uint32Array(count);
    let nextId = 0;
    for (const node of order) if (ends[node]!.length === 0) renumbered[node] = nextId++;
    this.firstMatching = nextId * width;
    for (const node of order) if (ends[node]!.length > 0) renumbered[node] = nextId++;
    this.table = new Uint32Array(count * width);
    this.#open = new Uint32Array(count);
    const endsById = new Array<readonly PatternEnd[]>(count);
    for (let node = 0; node < count; node += 1) {
      const id = renumbered[node]!;
      for (let column = 0; column < width; column += 1) this.table[id * width + column] = renumbered[next[node * width + column]!]! * width;
      this.#open[id] = open[node]!;
      endsById[id] = ends[node]!;
    }
    this.#ends = endsById;
  }

  /**
   * How many of the last bytes seen in `state` may still begin a match that needs more bytes:
   * the longest suffix of the input that is a prefix of a longer pattern. Less than `longest`.
   */
  open(state: number): number {
    return this.#open[state / this.#width]!;
  }

  /** The patterns that end with the byte that led to `state`, longest first. */
  ends(state: number): readonly PatternEnd[] {
    return this.#ends[state / this.#width]!;
  }
}
