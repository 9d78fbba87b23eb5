/**
 * Judging a set of values against the manifest: which are missing, which fail their
 * validator, which are insecure. Shared by `run`, `check`, `set` and the library API so
 * all of them say the same thing about the same value. Every problem is collected.
 */
import { DevsecretsError, type Issue } from './errors.js';
import type { Manifest } from './manifest-model.js';
import type { VarSpec } from './manifest-schema.js';
import { findInsecureReason } from './insecure.js';
import { isLoaderControl, noFakeAdvice } from './loader-control.js';
import { compileValidator, isSignedWith, type SiblingValue } from './types/index.js';

export interface Evaluation {
  /** Required variables with no value. */
  missing: Issue[];
  /** Values that fail their variable's validator. */
  invalid: Issue[];
  /** Values that look like real credentials, are weak, or match a forbid rule. */
  insecure: Issue[];
}

/**
 * Checks one value for one variable: the validator first, then the insecure rules.
 * @returns the issues (empty when the value is acceptable); reasons never contain the value.
 */
export function evaluateValue(manifest: Manifest, name: string, spec: VarSpec, value: string): { invalid?: Issue; insecure?: Issue } {
  const result: { invalid?: Issue; insecure?: Issue } = {};
  const reason = compileValidator(spec)(value);
  if (reason !== undefined) result.invalid = { var: name, message: reason };
  const insecure = findInsecureReason(spec, value, manifest.forbid);
  if (insecure !== undefined) result.insecure = { var: name, message: insecure };
  return result;
}

/**
 * Why a `jwt` value is not signed with the value of its `signedWith` variable, or undefined:
 * also when that variable has no value or one that fails its own validator (reported as
 * such), and for any other spec. The value itself is expected to pass its own validator.
 * The reason names the signing variable, never a value.
 */
export function signatureReason(manifest: Manifest, spec: VarSpec, value: string, sibling: SiblingValue): string | undefined {
  if (spec.type !== 'jwt' || spec.signedWith === undefined) return undefined;
  const signerSpec = manifest.vars[spec.signedWith];
  const key = sibling(spec.signedWith);
  if (signerSpec === undefined || key === undefined || compileValidator(signerSpec)(key) !== undefined) return undefined;
  const alg = spec.alg ?? 'HS256';
  return isSignedWith(value, key, alg) ? undefined : `is not signed with the value of ${spec.signedWith} (${alg})`;
}

/**
 * Evaluates every manifest variable against `values` (absent = undefined), a `jwt` with
 * `signedWith` also against the value of its signing variable (see {@link signatureReason}).
 */
export function evaluateValues(manifest: Manifest, values: Readonly<Record<string, string | undefined>>): Evaluation {
  const evaluation: Evaluation = { missing: [], invalid: [], insecure: [] };
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const value = values[name];
    if (value === undefined) {
      if (spec.required !== false) evaluation.missing.push({ var: name, message: missingMessage(name) });
      continue;
    }
    const { invalid, insecure } = evaluateValue(manifest, name, spec, value);
    const unsigned = invalid === undefined ? signatureReason(manifest, spec, value, (other) => values[other]) : undefined;
    if (invalid) evaluation.invalid.push(invalid);
    else if (unsigned !== undefined) evaluation.invalid.push({ var: name, message: unsigned });
    if (insecure) evaluation.insecure.push(insecure);
  }
  return evaluation;
}

/** A loader-control variable will not be filled by any devsecrets command: say who can. */
function missingMessage(name: string): string {
  return isLoaderControl(name) ? `is required but has no value; it ${noFakeAdvice(name)}` : 'is required but has no value';
}

/**
 * The error that stops `run` (and `loadEnv`) when anything is wrong with the environment,
 * listing every problem at once; undefined when all is well.
 */
export function environmentRefusal(evaluation: Evaluation, unknown: readonly Issue[]): DevsecretsError | undefined {
  const invalid = [...evaluation.missing, ...evaluation.invalid];
  const issues = [...evaluation.insecure, ...invalid, ...unknown];
  if (issues.length === 0) return undefined;
  const code = evaluation.insecure.length > 0 ? 'INSECURE_VALUE' : invalid.length > 0 ? 'VALIDATION_FAILED' : 'UNKNOWN_VAR';
  const hint = evaluation.insecure.length > 0
    ? 'replace those values with devsecrets set NAME, or regenerate fakes with devsecrets init --force'
    : invalid.length > 0
      ? 'fix the values with devsecrets set NAME, or check the inherited environment'
      : 'add the variables to the manifest, or remove them with devsecrets unset NAME';
  return new DevsecretsError(code, `refusing to run: ${issues.length} problem${issues.length === 1 ? '' : 's'} with the environment`, { issues, hint });
}
