/** `bool` and `enum`: a value from a fixed list, spelled exactly (case-sensitive). */
import type { SpecOf } from '../manifest-schema.js';
import { rule, type TypeDef } from './type-def.js';

const BOOLEANS = ['true', 'false'] as const;

/** Exactly `true` or `false`: `1`, `yes` and `TRUE` are refused rather than guessed at. */
export const boolType: TypeDef<SpecOf<'bool'>> = {
  checkOptions: () => [],
  valueChecks: () => [rule((value) => (BOOLEANS as readonly string[]).includes(value), 'must be true or false')],
  fake: (_spec, random) => random.pick(BOOLEANS),
};

/** One of `values`; the reason lists them, since they come from the manifest, not the value. */
export const enumType: TypeDef<SpecOf<'enum'>> = {
  checkOptions(spec) {
    const repeated = spec.values.filter((value, index) => spec.values.indexOf(value) !== index);
    return repeated.length > 0 ? [`values must be unique: ${[...new Set(repeated)].join(', ')} repeats`] : [];
  },
  valueChecks: (spec) => [rule((value) => spec.values.includes(value), `must be one of: ${spec.values.join(', ')}`)],
  fake: (spec, random) => random.pick(spec.values),
};
