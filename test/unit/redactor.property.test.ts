/**
 * The redacting stream against the plain definition of its output: from left to right, the
 * longest form of a secret that starts at each byte is replaced, whatever the chunks the
 * bytes arrive in, and it never holds back more than a match could still need.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteAutomaton } from '../../src/core/byte-automaton.js';
import { MIN_REDACTED_LENGTH, Redaction, RedactingStream, redactedSecrets } from '../../src/core/redactor.js';
import { secretForms } from '../../src/core/secret-forms.js';
import { manifestFromDocument } from '../../src/core/manifest-model.js';

const SECRETS = { API_TOKEN: 'tok_Zx9+/Qe~ secret', DB_PASSWORD: 'hunter2hunter2', SHORT_ONE: 'abcdef' };
const redaction = new Redaction(SECRETS);

/** The definition: every form of every secret, replaced leftmost first, longest at equal starts. */
function reference(input: Buffer, secrets: Record<string, string> = SECRETS): Buffer {
  const occurrences: { start: number; end: number; name: string }[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    for (const form of secretForms(value, { whole: true, hex: true, minLength: MIN_REDACTED_LENGTH })) {
      const bytes = Buffer.from(form.text);
      for (let at = input.indexOf(bytes); at !== -1; at = input.indexOf(bytes, at + 1)) occurrences.push({ start: at, end: at + bytes.length, name });
    }
  }
  occurrences.sort((a, b) => a.start - b.start || b.end - a.end);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const occurrence of occurrences) {
    if (occurrence.start < at) continue;
    pieces.push(input.subarray(at, occurrence.start), Buffer.from(`[REDACTED:${occurrence.name}]`));
    at = occurrence.end;
  }
  pieces.push(input.subarray(at));
  return Buffer.concat(pieces);
}

/** Feeds `input` in chunks cut at `cuts`; returns what came out, and the most bytes held at once. */
function stream(input: Buffer, cuts: number[]): { output: Buffer; mostHeld: number } {
  const redacting = new RedactingStream(redaction);
  const out: Buffer[] = [];
  let mostHeld = 0;
  const bounds = [...new Set([0, ...cuts.map((cut) => cut % (input.length + 1)), input.length])].sort((a, b) => a - b);
  for (let index = 1; index < bounds.length; index += 1) {
    out.push(redacting.write(input.subarray(bounds[index - 1], bounds[index])));
    mostHeld = Math.max(mostHeld, redacting.held);
  }
  out.push(redacting.flush());
  return { output: Buffer.concat(out), mostHeld };
}

/** Text around the secrets' forms: plain words, random bytes, NULs and broken UTF-8, and the forms themselves. */
const formArb = fc.constantFrom(...Object.values(SECRETS).flatMap((value) => secretForms(value, { whole: true, hex: true }).map((form) => form.text)));
const pieceArb = fc.oneof(
  fc.string({ maxLength: 12 }).map((text) => Buffer.from(text)),
  fc.string({ minLength: 200, maxLength: 800 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(Buffer.from([0]), Buffer.from([0xc3]), Buffer.from([0xff, 0xfe])),
  formArb.map((text) => Buffer.from(text)),
  // A form cut short, or one embedded in a longer base64 text at any alignment.
  formArb.chain((text) => fc.nat(text.length).map((length) => Buffer.from(text.slice(0, length)))),
  fc.tuple(fc.constantFrom(...Object.values(SECRETS)), fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }))
    .map(([value, before, after]) => Buffer.from(Buffer.from(before + value + after).toString('base64'))),
);
const inputArb = fc.array(pieceArb, { maxLength: 12 }).map((pieces) => Buffer.concat(pieces));

describe('RedactingStream', () => {
  it('writes what the definition says, whatever the chunks', () => {
    fc.assert(fc.property(inputArb, fc.array(fc.nat(), { maxLength: 8 }), (input, cuts) => {
      expect(stream(input, cuts).output.equals(reference(input))).toBe(true);
    }), { numRuns: 500 });
  });

  it('holds back less than the longest form', () => {
    fc.assert(fc.property(inputArb, fc.array(fc.nat(), { maxLength: 8 }), (input, cuts) => {
      expect(stream(input, cuts).mostHeld).toBeLessThan(redaction.automaton.longest);
    }), { numRuns: 300 });
  });

  it('passes bytes holding no secret unchanged', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
      const input = Buffer.from(bytes);
      fc.pre(reference(input).equals(input));
      expect(stream(input, cuts).output.equals(input)).toBe(true);
    }));
  });

  it('replaces each form of a secret, in the middle of a line', () => {
    const value = SECRETS.API_TOKEN;
    const forms = [
      value,
      Buffer.from(value).toString('base64'),
      Buffer.from(value).toString('base64url'),
      Buffer.from(value).toString('hex'),
      Buffer.from(value).toString('hex').toUpperCase(),
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    ];
    for (const form of forms) {
      const out = stream(Buffer.from(`token=${form};\n`), []).output.toString();
      expect(out, form).toBe('token=[REDACTED:API_TOKEN];\n');
    }
  });

  it('replaces every form cut in two at any byte, the longest included', () => {
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const { text } of secretForms(value, { whole: true, hex: true, minLength: MIN_REDACTED_LENGTH })) {
        for (let cut = 1; cut < text.length; cut += 1) {
          const out = stream(Buffer.from(`a ${text} b`), [2 + cut]).output.toString();
          expect(out, `${text} cut at ${cut}`).toBe(`a [REDACTED:${name}] b`);
        }
      }
    }
  });

  it('holds a tail only while it may begin a secret, and hands it out on flush', () => {
    const redacting = new RedactingStream(redaction);
    expect(redacting.write(Buffer.from('ready\n')).toString()).toBe('ready\n');
    expect(redacting.held).toBe(0);
    expect(redacting.write(Buffer.from('token: tok_Zx')).toString()).toBe('token: ');
    expect(redacting.held).toBe(6);
    expect(redacting.flush().toString()).toBe('tok_Zx');
    expect(redacting.held).toBe(0);
  });

  it('still hides the rest of a secret whose beginning a flush handed out', () => {
    const redacting = new RedactingStream(redaction);
    const value = SECRETS.DB_PASSWORD;
    const out = [redacting.write(Buffer.from(`pw=${value.slice(0, 5)}`)), redacting.flush(), redacting.write(Buffer.from(`${value.slice(5)} ok\n`)), redacting.flush()];
    expect(Buffer.concat(out).toString()).toBe(`pw=${value.slice(0, 5)}[REDACTED:DB_PASSWORD] ok\n`);
  });
});

describe('redactedSecrets', () => {
  it('takes the secret variables of 6 characters or more, with the values the child gets', () => {
    const manifest = manifestFromDocument({
      vars: {
        TOKEN: { type: 'string', secret: true },
        PIN: { type: 'string', secret: true },
        LOG_LEVEL: { type: 'string' },
        UNSET: { type: 'string', secret: true, required: false },
      },
    }, '/p/devsecrets.json', '/p', '0');
    expect(redactedSecrets(manifest, { TOKEN: 'abcdefgh', PIN: '12345', LOG_LEVEL: 'verbose-logging' })).toEqual({ TOKEN: 'abcdefgh' });
  });
});

describe('ByteAutomaton', () => {
  /** Every occurrence of every pattern, by trying each at each offset. */
  function naive(patterns: Buffer[], bytes: Buffer): string[] {
    const found: string[] = [];
    patterns.forEach((pattern, index) => {
      for (let at = bytes.indexOf(pattern); at !== -1; at = bytes.indexOf(pattern, at + 1)) found.push(`${index}:${at}-${at + pattern.length}`);
    });
    return found.sort();
  }

  function findAll(automaton: ByteAutomaton, bytes: Buffer): string[] {
    const found: string[] = [];
    automaton.findAll(bytes, (pattern, start, end) => found.push(`${pattern}:${start}-${end}`));
    return found.sort();
  }

  it('finds every occurrence, overlapping ones included, and what the end may still begin', () => {
    const automaton = new ByteAutomaton([Buffer.from('she'), Buffer.from('he'), Buffer.from('hers')]);
    expect(findAll(automaton, Buffer.from('ushers'))).toEqual(['0:1-4', '1:2-4', '2:2-6']);
    // "hers" is complete and cannot grow; its last "s" may begin "she".
    expect(automaton.openEnd(Buffer.from('ushers'))).toBe(1);
    expect(automaton.openEnd(Buffer.from('usherx'))).toBe(0);
    expect(automaton.openEnd(Buffer.from('ush'))).toBe(2);
    expect(() => new ByteAutomaton([Buffer.alloc(0)])).toThrow(RangeError);
  });

  it.each([
    { kind: 'sampled (every pattern 5 bytes or more, 512 bytes or more of input)', shortest: 5, size: 512 },
    { kind: 'not sampled (a pattern under 5 bytes)', shortest: 1, size: 0 },
  ])('finds what a naive search finds: $kind', ({ shortest, size }) => {
    const patternArb = fc.uint8Array({ minLength: shortest, maxLength: 12 }).map((bytes) => Buffer.from(bytes));
    fc.assert(fc.property(fc.array(patternArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.uint8Array({ minLength: size, maxLength: 2000 }), (patterns, plants, noise) => {
      // The patterns planted in random bytes, so that they occur, and overlap.
      const bytes = Buffer.from(noise);
      for (const plant of plants) {
        const pattern = patterns[plant % patterns.length]!;
        pattern.copy(bytes, plant % Math.max(1, bytes.length));
      }
      const automaton = new ByteAutomaton(patterns);
      expect(findAll(automaton, bytes)).toEqual(naive(patterns, bytes));
    }), { numRuns: 300 });
  });
});
