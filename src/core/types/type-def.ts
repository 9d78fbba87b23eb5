/**
 * What each variable type provides, and the small helpers the type files share.
 * `index.ts` dispatches on `spec.type` to one {@link TypeDef} per type.
 */
import * as z from 'zod/mini';
import { DevsecretsError } from '../errors.js';
import type { FakeRandom } from '../fake-random.js';
import type { VarSpec } from '../manifest-schema.js';

/** Returns undefined when the value is valid, else a short lowercase reason that never contains the value. */
export type Validator = (value: string) => string | undefined;

/**
 * Another variable's value, for a fake made from it (a `jwt` signed with `JWT_SECRET`'s
 * value); undefined when that variable has none.
 */
export type SiblingValue = (name: string) => string | undefined;

/** One zod/mini check on a raw env value; its message is the reason reported. */
export type ValueCheck = z.core.$ZodCheck<string>;

export interface TypeDef<S extends VarSpec> {
  /** Problems among the spec's own options, as reasons without the var name; empty when consistent. */
  checkOptions(spec: S): string[];
  /** The checks a value must pass, in the order their reasons should be reported. */
  valueChecks(spec: S): ValueCheck[];
  /**
   * A fake for a spec whose options are consistent, drawn from `random`; `sibling` gives
   * the other variables' values, for the types whose fake depends on one.
   * @throws DevsecretsError FAKE_UNAVAILABLE when no fake can be made.
   */
  fake(spec: S, random: FakeRandom, name: string, sibling: SiblingValue): string;
}

/**
 * A check that fails with `reason`. Every check aborts on failure: only the first reason
 * is reported, and later checks may then assume the earlier ones held (a parsable URL,
 * a canonical integer).
 */
export function rule(test: (value: string) => boolean, reason: string): ValueCheck {
  return z.refine(test, { message: reason, abort: true });
}

/** Runs checks in order and returns the first failure's reason. */
export function toValidator(checks: readonly ValueCheck[]): Validator {
  const schema = z.string().check(...checks);
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? undefined : (result.error.issues[0]?.message ?? 'is invalid');
  };
}

/**
 * The env text a manifest `default` or `example` stands for: strings as written, numbers
 * and booleans in their JS spelling, and — for `json` variables — any other JSON value
 * serialised. Undefined when the value has no env spelling (an object example on a
 * non-json var, or no value at all).
 */
export function envText(spec: VarSpec, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  if (spec.type === 'json' && value !== undefined) return JSON.stringify(value);
  return undefined;
}

/** The error `generateFake` throws when a spec admits no fake. */
export function fakeUnavailable(name: string, reason: string): DevsecretsError {
  return new DevsecretsError('FAKE_UNAVAILABLE', `${name}: ${reason}`, { issues: [{ var: name, message: reason }] });
}

/** Reason shared by the types with `min`/`max` options. */
export const MIN_ABOVE_MAX = 'min must not be greater than max';
