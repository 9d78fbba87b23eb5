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
  #state = ByteAutomaton.START;
  /** Offset in the stream of the first byte not yet handed out. */
  #written = 0;
  /** Offset in the stream after the last byte received. */
  #received = 0;
  /** End of the last replacement handed out: a match starting before it was replaced or overlaps one that was. */
  #replacedUntil = 0;
  /** The bytes from `#written` to `#received`. */
  #held: Buffer = EMPTY;
  /** Matches found that may not be final yet: a longer one may begin at the same byte. */
  #found: Found[] = [];

  constructor(redaction: Redaction) {
    this.#redaction = redaction;
  }

  /** How many bytes are held back, waiting to tell whether they begin a secret. */
  get held(): number {
    return this.#held.length;
  }

  /** Takes the next bytes of the stream; returns those that can be handed out now, redacted (possibly none). */
  write(chunk: Uint8Array): Buffer {
    const { table, classOf, firstMatching } = this.#redaction.automaton;
    let state = this.#state;
    for (let index = 0; index < chunk.length; index += 1) {
      state = table[state + classOf[chunk[index]!]!]!;
      if (state >= firstMatching) this.#record(state, this.#received + index + 1);
    }
    this.#state = state;
    this.#received += chunk.length;
    const data = this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]);
    return this.#handOut(data, this.#received - this.#redaction.automaton.open(state));
  }

  /** Hands out everything held, redacted as far as the bytes received allow (the source paused or ended). */
  flush(): Buffer {
    return this.#handOut(this.#held, this.#received);
  }

  #record(state: number, end: number): void {
    for (const { pattern, length } of this.#redaction.automaton.ends(state)) this.#found.push({ start: end - length, end, pattern });
  }

  /**
   * Writes out the bytes before `final` (no match can begin there any more), with the
   * matches that begin before it replaced, and holds the rest. `data` holds the bytes from
   * `#written` to `#received`.
   */
  #handOut(data: Uint8Array, final: number): Buffer {
    const base = this.#written;
    const pieces: Uint8Array[] = [];
    if (this.#found.length > 0) {
      const decided = this.#found.filter((found) => found.start < final).sort((a, b) => a.start - b.start || b.end - a.end);
      this.#found = this.#found.filter((found) => found.start >= final);
      for (const found of decided) {
        if (found.end <= this.#written || found.start < this.#replacedUntil) continue;
        // A match that began in bytes already handed out by a flush: what is left of it is still hidden.
        if (found.start > this.#written) pieces.push(data.subarray(this.#written - base, found.start - base));
        pieces.push(this.#redaction.replacements[found.pattern]!);
        this.#written = found.end;
        this.#replacedUntil = found.end;
      }
    }
    if (this.#written < final) {
      pieces.push(data.subarray(this.#written - base, final - base));
      this.#written = final;
    }
    // A copy: the tail is at most the longest form, and the caller's chunk is not kept alive.
    this.#held = this.#written < this.#received ? Buffer.from(data.subarray(this.#written - base)) : EMPTY;
    if (pieces.length === 1) return Buffer.from(pieces[0]!.buffer, pieces[0]!.byteOffset, pieces[0]!.byteLength);
    return pieces.length === 0 ? EMPTY : Buffer.concat(pieces);
  }
}
