/**
 * `duration`: a whole number and a unit (`250ms`, `30s`, `5m`, `2h`, `30d`, `1w`), the
 * spelling the manifest's own `ttl` uses. Bounds compare in milliseconds, so `90s` is
 * within `min: "1m"`.
 */
import { DURATION_REASON as FORMAT_REASON, UNIT_MS, durationMs, type DurationUnit } from '../duration-text.js';
import type { FakeRandom } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { MIN_ABOVE_MAX, rule, type TypeDef } from './type-def.js';

/** Largest first: the fake uses the coarsest unit that still offers a choice. */
const UNITS = Object.keys(UNIT_MS) as DurationUnit[];
/** Fakes with no `max` stay under an hour (or twice `min`), long enough for any timeout. */
const DEFAULT_FAKE_MAX_MS = UNIT_MS.h;

function rangeReason(spec: SpecOf<'duration'>): string {
  if (spec.min !== undefined && spec.max !== undefined) return `must be a duration from ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return `must be a duration of at least ${spec.min}`;
  if (spec.max !== undefined) return `must be a duration of at most ${spec.max}`;
  return FORMAT_REASON;
}

function fakeDuration(minMs: number, maxMs: number, random: FakeRandom): string {
  const choices = UNITS.map((unit) => {
    const size = UNIT_MS[unit];
    return { unit, first: Math.max(1, Math.ceil(minMs / size)), last: Math.floor(maxMs / size) };
  });
  const pick = choices.find(({ first, last }) => last > first) ?? choices.find(({ first, last }) => last >= first);
  return pick === undefined ? '0s' : `${random.intBetween(pick.first, pick.last)}${pick.unit}`;
}

/** Durations within `min`/`max`; fakes use the coarsest unit that leaves a choice, like `37m`. */
export const durationType: TypeDef<SpecOf<'duration'>> = {
  checkOptions(spec) {
    const problems: string[] = [];
    const min = spec.min === undefined ? undefined : durationMs(spec.min);
    const max = spec.max === undefined ? undefined : durationMs(spec.max);
    if (spec.min !== undefined && min === undefined) problems.push('min is too long');
    if (spec.max !== undefined && max === undefined) problems.push('max is too long');
    if (min !== undefined && max !== undefined && min > max) problems.push(MIN_ABOVE_MAX);
    return problems;
  },
  valueChecks(spec) {
    const min = spec.min === undefined ? undefined : durationMs(spec.min);
    const max = spec.max === undefined ? undefined : durationMs(spec.max);
    const reason = rangeReason(spec);
    return [
      rule((value) => {
        const ms = durationMs(value);
        return ms !== undefined && (min === undefined || ms >= min) && (max === undefined || ms <= max);
      }, reason),
    ];
  },
  fake(spec, random) {
    const min = spec.min === undefined ? 0 : (durationMs(spec.min) ?? 0);
    const max = spec.max === undefined ? Math.max(min * 2, DEFAULT_FAKE_MAX_MS) : (durationMs(spec.max) ?? 0);
    return fakeDuration(min, Math.min(max, Number.MAX_SAFE_INTEGER), random);
  },
};
