/**
 * `int`, `number` and `port`. Only canonical decimal spellings pass: no `+`, no leading
 * zeros, no spaces, no hex; `int` also refuses exponents and `-0`, so the text an app
 * reads is the number the manifest meant.
 */
import type { SpecOf } from '../manifest-schema.js';
import { fakeUnavailable, MIN_ABOVE_MAX, rule, type TypeDef } from './type-def.js';

const INT_RE = /^(?:0|-?[1-9][0-9]*)$/;
/** The spellings a `number` accepts; the JSON Schema export and spec comments read numbers with it too. */
export const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Fakes for an unbounded side span this many steps from the other bound (or from 1). */
const DEFAULT_SPAN = 999;
const MIN_UNPRIVILEGED_PORT = 1024;
const MAX_PORT = 65535;

function rangeReason(noun: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `must be ${noun} from ${min} to ${max}`;
  if (min !== undefined) return `must be ${noun} of at least ${min}`;
  if (max !== undefined) return `must be ${noun} of at most ${max}`;
  return `must be ${noun}`;
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function minMaxProblems(min: number | undefined, max: number | undefined): string[] {
  return min !== undefined && max !== undefined && min > max ? [MIN_ABOVE_MAX] : [];
}

/** The range fakes are drawn from: the manifest's bounds, else 1..1000 or a span next to the one bound given. */
function fakeBounds(min: number | undefined, max: number | undefined): [number, number] {
  const low = min ?? (max === undefined ? 1 : max - DEFAULT_SPAN);
  return [low, max ?? low + DEFAULT_SPAN];
}

/** The safe integers in [low, high], or undefined when there are none. */
function safeIntegersIn(low: number, high: number): [number, number] | undefined {
  const first = Math.max(Math.ceil(low), Number.MIN_SAFE_INTEGER);
  const last = Math.min(Math.floor(high), Number.MAX_SAFE_INTEGER);
  return first <= last ? [first, last] : undefined;
}

/** Integers are canonical decimals within the safe range and within `min`/`max`. */
export const intType: TypeDef<SpecOf<'int'>> = {
  checkOptions: (spec) => minMaxProblems(spec.min, spec.max),
  valueChecks(spec) {
    const reason = rangeReason('an integer', spec.min, spec.max);
    return [
      rule((value) => INT_RE.test(value), reason),
      rule((value) => Number.isSafeInteger(Number(value)) && inRange(Number(value), spec.min, spec.max), reason),
    ];
  },
  fake(spec, random, name) {
    const range = safeIntegersIn(...fakeBounds(spec.min, spec.max));
    if (range === undefined) throw fakeUnavailable(name, MIN_ABOVE_MAX);
    return String(random.intBetween(...range));
  },
};

/**
 * Numbers are finite decimals (exponents allowed) within `min`/`max`. Fakes are whole
 * numbers when the range holds one, because those read best; otherwise a float in range.
 */
export const numberType: TypeDef<SpecOf<'number'>> = {
  checkOptions: (spec) => minMaxProblems(spec.min, spec.max),
  valueChecks(spec) {
    const reason = rangeReason('a number', spec.min, spec.max);
    return [
      rule((value) => NUMBER_RE.test(value), reason),
      rule((value) => Number.isFinite(Number(value)) && inRange(Number(value), spec.min, spec.max), reason),
    ];
  },
  fake(spec, random) {
    const [low, high] = fakeBounds(spec.min, spec.max);
    const integers = safeIntegersIn(low, high);
    if (integers !== undefined) return String(random.intBetween(...integers));
    const unit = random.unit();
    // Interpolating both ends (not low + width * unit) cannot overflow, and the clamp absorbs rounding.
    return String(Math.min(high, Math.max(low, low * (1 - unit) + high * unit)));
  },
};

/** Ports are canonical integers 1..65535; fakes are unprivileged (1024 and up) so a dev server can bind them. */
export const portType: TypeDef<SpecOf<'port'>> = {
  checkOptions: () => [],
  valueChecks() {
    const reason = rangeReason('a port number', 1, MAX_PORT);
    return [rule((value) => INT_RE.test(value) && inRange(Number(value), 1, MAX_PORT), reason)];
  },
  fake: (_spec, random) => String(random.intBetween(MIN_UNPRIVILEGED_PORT, MAX_PORT)),
};
