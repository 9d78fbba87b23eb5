/**
 * `run --redact`, the pure part: which values are secrets, in which forms, and how a stream
 * of bytes is rewritten so that none of them comes through.
 *
 * Every form of every secret (see `secretForms`: verbatim, base64 and base64url whole and at
 * each alignment, hex in both cases, URL-encoded) becomes `[REDACTED:NAME]`. Matching is on
 * bytes, so output that is not UTF-8 (binary, a NUL, a broken sequence) passes unchanged.
 * Where forms overlap, the leftmost wins, and of those starting at the same byte the longest.
 *
 * A stream holds back only what could still become a match: the longest tail of the bytes
 * seen that begins some form, never more than the longest form less one byte. Everything
 * before it is final and handed out at once. When the source pauses, `flush` hands out the
 * tail too; if a form is then completed after all, the rest of it is still replaced.
 * Each chunk is searched once, with the tail before it for a form that spans both.
 */
import { ByteAutomaton } from './byte-automaton.js';
import type { Manifest } from './manifest-model.js';
import { secretForms } from './secret-forms.js';

/** Shorter secret values are not redacted, and shorter forms of longer ones are not searched: they would match too much. */
export const MIN_REDACTED_LENGTH = 6;

/** The values `run --redact` hides: each secret manifest variable of `env` whose value has 6 characters or more, by name. */
export function redactedSecrets(manifest: Manifest, env: Readonly<Record<string, string>>): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const value = env[name];
    if (spec.secret === true && value !== undefined && value.length >= MIN_REDACTED_LENGTH) secrets[name] = value;
  }
  return secrets;
}

/** The compiled forms of a set of secrets, shared by every stream that redacts them. */
export class Redaction {
  /** Every form of every secret, as one pattern each. */
  readonly automaton: ByteAutomaton;
  /** For each pattern of the automaton, what replaces it. */
  readonly replacements: readonly Buffer[];

  /** @param secrets values by variable name; values under 6 characters are ignored */
  constructor(secrets: Readonly<Record<string, string>>) {
    const patterns: Buffer[] = [];
    const replacements: Buffer[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      if (value.length < MIN_REDACTED_LENGTH) continue;
      const replacement = Buffer.from(`[REDACTED:${name}]`);
      for (const form of secretForms(value, { whole: true, hex: true, minLength: MIN_REDACTED_LENGTH })) {
        patterns.push(Buffer.from(form.text, 'utf8'));
        replacements.push(replacement);
      }
    }
    this.automaton = new ByteAutomaton(patterns);
    this.replacements = replacements;
  }
}

/** A match found and not yet written, in offsets of the whole stream. */
interface Found {
  start: number;
  end: number;
  pattern: number;
}

const EMPTY = Buffer.alloc(0);

/** One output stream being redacted: bytes in through `write`, redacted bytes out, in order. */
export class RedactingStream {
  readonly #redaction: Redaction;
  /** Offset in the stream of the first byte not yet handed out. */
  #written = 0;
  /** Offset in the stream after the last byte received. */
  #received = 0;
  /** End of the last replacement handed out: a match starting before it was replaced or overlaps one that was. */
  #replacedUntil = 0;
  /**
   * The last bytes received, as many as a match may span less one (`longest - 1`): those
   * held back, and before them some already handed out, in which a match may have begun.
   */
  #tail: Buffer = EMPTY;
  /** Matches found that may not be final yet: a longer one may begin at the same byte. */
  #found: Found[] = [];

  constructor(redaction: Redaction) {
    this.#redaction = redaction;
  }

  /** How many bytes are held back, waiting to tell whether they begin a secret. */
  get held(): number {
    return this.#received - this.#written;
  }

  /** Takes the next bytes of the stream; returns those that can be handed out now, redacted (possibly none). */
  write(chunk: Uint8Array): Buffer {
    const { automaton } = this.#redaction;
    const tail = this.#tail;
    const chunkAt = this.#received;
    // Matches that begin in the tail and end in the chunk, then those wholly in the chunk: each once.
    if (tail.length > 0) {
      const seam = Buffer.concat([tail, chunk.subarray(0, automaton.longest - 1)]);
      automaton.findAll(seam, (pattern, start, end) => {
        if (start < tail.length && end > tail.length) this.#found.push({ start: chunkAt - tail.length + start, end: chunkAt - tail.length + end, pattern });
      });
    }
    automaton.findAll(chunk, (pattern, start, end) => this.#found.push({ start: chunkAt + start, end: chunkAt + end, pattern }));
    this.#received += chunk.length;
    const keep = Math.max(0, automaton.longest - 1);
    const last = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([tail, chunk]).subarray(-keep);
    const out = this.#handOut(tail, chunk, this.#received - automaton.openEnd(last));
    // A copy: the caller's chunk is not kept alive, nor changed under us.
    this.#tail = Buffer.from(last);
    return out;
  }

  /** Hands out everything held, redacted as far as the bytes received allow (the source paused or ended). */
  flush(): Buffer {
    return this.#handOut(this.#tail, EMPTY, this.#received);
  }

  /**
   * Hands out the bytes before `final` (no match can begin there any more), with the matches
   * that begin before it replaced, and holds the rest. `tail` and `chunk` are the stream's
   * last bytes, up to `#received`.
   */
  #handOut(tail: Uint8Array, chunk: Uint8Array, final: number): Buffer {
    const pieces: Uint8Array[] = [];
    const start = this.#received - chunk.length - tail.length;
    const bytes = (from: number, to: number): void => {
      const split = this.#received - chunk.length;
      if (from < split) pieces.push(tail.subarray(from - start, Math.min(to, split) - start));
      if (to > split) pieces.push(chunk.subarray(Math.max(from, split) - split, to - split));
    };
    if (this.#found.length > 0) {
      const decided = this.#found.filter((found) => found.start < final).sort((a, b) => a.start - b.start || b.end - a.end);
      this.#found = this.#found.filter((found) => found.start >= final);
      for (const found of decided) {
        if (found.end <= this.#written || found.start < this.#replacedUntil) continue;
        // A match that began in bytes already handed out by a flush: what is left of it is still hidden.
        if (found.start > this.#written) bytes(this.#written, found.start);
        pieces.push(this.#redaction.replacements[found.pattern]!);
        this.#written = found.end;
        this.#replacedUntil = found.end;
      }
    }
    if (this.#written < final) {
      bytes(this.#written, final);
      this.#written = final;
    }
    if (pieces.length === 1) return Buffer.from(pieces[0]!.buffer, pieces[0]!.byteOffset, pieces[0]!.byteLength);
    return pieces.length === 0 ? EMPTY : Buffer.concat(pieces);
  }
}
