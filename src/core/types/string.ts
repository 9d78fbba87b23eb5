/**
 * `string`: free text within `minLength`/`maxLength`, optionally matching `pattern` as a
 * whole value (the manifest writes `[a-z]+`, a value must be `[a-z]+` from end to end).
 * Patterns are RE2 syntax, matched in linear time (see safe-regex.ts).
 */
import { ALNUM, type FakeRandom } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { compileSafeRegex } from '../safe-regex.js';
import { compilePatternFake } from './pattern-fake.js';
import { envText, fakeUnavailable, rule, toValidator, type TypeDef, type ValueCheck } from './type-def.js';

type Spec = SpecOf<'string'>;

const MARKER = 'fake-';
/** Random characters after the marker when the bounds allow them. */
const RANDOM_LENGTH = 16;
const PATTERN_UNAVAILABLE = 'cannot generate a fake matching pattern: add an example that matches';

function valueChecks(spec: Spec): ValueCheck[] {
  const { minLength, maxLength, pattern } = spec;
  const checks: ValueCheck[] = [];
  if (minLength !== undefined) {
    checks.push(rule((value) => value.length >= minLength, `must be at least ${minLength} characters`));
  }
  if (maxLength !== undefined) {
    checks.push(rule((value) => value.length <= maxLength, `must be at most ${maxLength} characters`));
  }
  if (pattern !== undefined) {
    const re = compileSafeRegex(pattern);
    checks.push(
      typeof re === 'string'
        ? rule(() => false, 'cannot be checked: the pattern in the manifest is invalid')
        : rule((value) => re.testWhole(value), `must match the pattern ${pattern}`),
    );
  }
  return checks;
}

/**
 * `fake-` and random letters and digits, 21 characters when the bounds allow; without
 * the marker when the bounds leave no room for it and a random character.
 */
function markedText(spec: Spec, random: FakeRandom): string {
  const length = Math.min(Math.max(MARKER.length + RANDOM_LENGTH, spec.minLength ?? 0), spec.maxLength ?? Infinity);
  return length > MARKER.length ? MARKER + random.chars(ALNUM, length - MARKER.length) : random.chars(ALNUM, length);
}

/**
 * Pattern fakes carry no marker (the pattern decides every character); they are generated
 * from the pattern when its syntax is in the supported subset, else the manifest's
 * `example` is used when it passes.
 */
export const stringType: TypeDef<Spec> = {
  checkOptions(spec) {
    const problems: string[] = [];
    if (spec.minLength !== undefined && spec.maxLength !== undefined && spec.minLength > spec.maxLength) {
      problems.push('minLength must not be greater than maxLength');
    }
    const re = spec.pattern === undefined ? undefined : compileSafeRegex(spec.pattern);
    if (typeof re === 'string') problems.push(`pattern ${re}`);
    return problems;
  },
  valueChecks,
  fake(spec, random, name) {
    if (spec.pattern === undefined) return markedText(spec, random);
    const generate = compilePatternFake(spec.pattern, spec.minLength, spec.maxLength);
    if (generate !== undefined) return generate(random);
    const example = envText(spec, spec.example);
    if (example !== undefined && toValidator(valueChecks(spec))(example) === undefined) return example;
    throw fakeUnavailable(name, PATTERN_UNAVAILABLE);
  },
};
