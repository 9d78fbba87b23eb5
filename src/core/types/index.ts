/**
 * The variable types of the manifest, each a validator and a fake generator. Everything
 * here is pure: no files, no network, no environment, no output.
 *
 * One module per type family holds its {@link TypeDef}; this file dispatches on
 * `spec.type` and adds what every type shares: defaults, examples, the final check that
 * a fake passes its own validator.
 */
import { DevsecretsError, type Issue } from '../errors.js';
import { assertSeed, FakeRandom } from '../fake-random.js';
import { isLoaderControl } from '../loader-control.js';
import { localSpec } from '../token-prefix.js';
import type { SpecOf, VarSpec, VarType } from '../manifest-schema.js';
import { bytesType } from './bytes.js';
import { boolType, enumType } from './choice.js';
import { durationType } from './duration.js';
import { emailType, hostnameType, uuidType } from './formats.js';
import { jsonType } from './json.js';
import { jwtType } from './jwt.js';
import { intType, numberType, portType } from './numeric.js';
import { privateKeyType } from './private-key.js';
import { stringType } from './string.js';
import { tokenType } from './token.js';
import { envText, fakeUnavailable, toValidator, type SiblingValue, type TypeDef, type Validator } from './type-def.js';
import { urlType } from './url.js';

export type { SiblingValue, Validator } from './type-def.js';
export { isJwtAlgorithm, isSignedWith, parseJwt } from './jwt.js';
export { fakeTag, verifyFake } from './fake-tag.js';
export { maskValue } from './mask.js';

const TYPE_DEFS: { [T in VarType]: TypeDef<SpecOf<T>> } = {
  string: stringType,
  int: intType,
  number: numberType,
  bool: boolType,
  port: portType,
  enum: enumType,
  url: urlType,
  email: emailType,
  hostname: hostnameType,
  uuid: uuidType,
  duration: durationType,
  token: tokenType,
  bytes: bytesType,
  'private-key': privateKeyType,
  json: jsonType,
  jwt: jwtType,
};

/** checkSpec generates one fake to prove a spec admits any; the seed does not matter, only that it is fixed. */
const TRIAL_SEED = new Uint8Array(32);

function typeDefOf(spec: VarSpec): TypeDef<VarSpec> {
  return TYPE_DEFS[spec.type] as TypeDef<VarSpec>;
}

/**
 * Semantic checks of one spec that the structural zod schema cannot express: min above
 * max, minLength above maxLength, an invalid pattern, a default on a secret, a default or
 * example that fails the var's own validator, repeated enum values, a token length that
 * leaves no room after the prefix, curve/minBits that do not fit the key algorithm,
 * malformed url protocols or host patterns, `"fake": false` on a required variable, and a
 * spec no fake can be generated for (a string pattern outside the supported subset without
 * a matching example). Checks between variables (a jwt's `signedWith`) are the manifest's.
 *
 * Defaults, examples and the trial fake are only checked once the options are consistent.
 * The trial fake is skipped for `private-key`, whose options are checked directly
 * instead, because key generation is slow.
 *
 * @returns every problem found, each with `var` = `name`; empty when the spec is sound.
 * Never throws for a spec the manifest schema accepts.
 */
export function checkSpec(name: string, spec: VarSpec): Issue[] {
  const problems = spec.secret === true && spec.default !== undefined ? ['a secret cannot have a default'] : [];
  if (spec.fake === false && spec.required !== false) {
    problems.push('"fake": false needs "required": false (devsecrets makes no value for it, so run would refuse until someone sets one)');
  }
  problems.push(...typeDefOf(spec).checkOptions(spec));
  if (problems.length === 0) problems.push(...presetProblems(spec), ...trialFakeProblems(name, spec));
  return problems.map((message) => ({ var: name, message }));
}

function presetProblems(spec: VarSpec): string[] {
  const validate = compileValidator(spec);
  const presets = [
    ['default', envText(spec, spec.default)],
    ['example', envText(spec, spec.example)],
  ] as const;
  return presets.flatMap(([field, text]) => {
    const reason = text === undefined ? undefined : validate(text);
    return reason === undefined ? [] : [`${field} ${reason}`];
  });
}

/**
 * Only patterns and host globs can make fake generation impossible; every other type's
 * consistent options always admit a fake, so the hot path (every `run` parses the
 * manifest) skips the trial for them. A loader-control variable never gets a fake, so no
 * spec of one needs to admit any.
 */
function trialFakeProblems(name: string, spec: VarSpec): string[] {
  const generationCanFail = (spec.type === 'string' && spec.pattern !== undefined) || (spec.type === 'url' && spec.host !== undefined);
  if (!generationCanFail || isLoaderControl(name) || spec.fake === false) return [];
  try {
    generateFake(name, spec, TRIAL_SEED);
    return [];
  } catch (error) {
    if (!(error instanceof DevsecretsError && error.code === 'FAKE_UNAVAILABLE')) throw error;
    return error.issues.map((issue) => issue.message);
  }
}

// Manifests repeat the same spec for many variables; compiling each distinct spec once
// keeps a 1,000-variable `run` close to a 20-variable one. Validators are pure, so
// sharing them is safe.
const compiled = new Map<string, Validator>();

/**
 * Compiles the spec into a validator built from zod/mini checks. The validator returns
 * undefined for a valid value, else the first failing rule's short lowercase reason,
 * e.g. "must use sslmode=require" or "must be an integer from 1 to 120". Reasons are
 * built from the manifest only and never contain the value. Only canonical spellings
 * pass (see each type's module). Never throws, even for a spec that fails
 * {@link checkSpec}: a rule that cannot be applied (an invalid pattern) fails every value.
 */
export function compileValidator(spec: VarSpec): Validator {
  const key = JSON.stringify(spec);
  let validator = compiled.get(key);
  if (validator === undefined) {
    validator = toValidator(typeDefOf(spec).valueChecks(spec));
    compiled.set(key, validator);
  }
  return validator;
}


/**
 * A fake value for `name` that passes `compileValidator(localSpec(spec))` (the local side's
 * reading of the spec: see token-prefix.ts), derived from the per-store secret `seed` (and,
 * for a `jwt` with `signedWith`, from that variable's value, which `sibling` gives): the same
 * (name, spec, seed, sibling values) always gives the same value, except for `private-key`,
 * which is a real key freshly made by node:crypto on every call.
 *
 * A non-secret var's `default` that passes the validator is the fake, for every type: the
 * team chose that value, and there is nothing to hide. Otherwise the fake is drawn from a
 * stream keyed by seed and name. Free-text formats carry a visible marker — `fake-` in
 * strings, hosts and emails (under `example.test`), `FAKE` after a token's prefix (`fa4e`
 * for hex tokens) and in URL passwords — left out only when length bounds leave no room.
 *
 * @throws DevsecretsError FAKE_UNAVAILABLE (issues name the var) when the spec admits no
 * fake, e.g. a string pattern outside the supported subset and no matching example, and
 * always for a loader-control variable (`LD_PRELOAD`, `NODE_OPTIONS`, …): a fake there
 * would decide what code every program loads; for a variable declared `"fake": false`; and
 * for a `jwt` whose `signedWith` variable has no value. Callers leave the first two out
 * beforehand, and make a signing key's fake before the tokens signed with it.
 * @throws RangeError when the seed is shorter than 16 bytes.
 */
export function generateFake(name: string, manifestSpec: VarSpec, seed: Uint8Array, sibling: SiblingValue = () => undefined): string {
  if (isLoaderControl(name)) throw fakeUnavailable(name, 'controls how programs load code, so devsecrets never makes a fake for it');
  if (manifestSpec.fake === false) throw fakeUnavailable(name, 'is declared "fake": false, so devsecrets makes no value for it');
  assertSeed(seed);
  // Fakes live on the local side: a token's live prefix in its test spelling (sk_live_ → sk_test_).
  const spec = localSpec(manifestSpec);
  const validate = compileValidator(spec);
  const preset = spec.secret === true ? undefined : envText(spec, spec.default);
  if (preset !== undefined && validate(preset) === undefined) return preset;
  const value = typeDefOf(spec).fake(spec, new FakeRandom(seed, name), name, sibling);
  const reason = validate(value);
  if (reason !== undefined) throw fakeUnavailable(name, `cannot generate a fake that passes its own check (${reason})`);
  return value;
}
