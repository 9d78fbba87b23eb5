/**
 * Judging a set of values against the manifest: which are missing, which fail their
 * validator, which are insecure, and on the production side which are devsecrets fakes.
 * Shared by `run`, `check`, `set` and the library API so all of them say the same thing
 * about the same value. Every problem is collected.
 *
 * The manifest's types describe production; the side decides the rules on top (see
 * README "One manifest, two sides"): `local` (the store: `run`, `set`, `import`, `doctor`)
 * adds the forbid list and the live-credential guard, and reads a token's live prefix in
 * its test spelling; `production` (`check --env production`, providers) adds the
 * production rules and never the local guards.
 */
import { DevsecretsError, type Issue } from './errors.js';
import type { Manifest } from './manifest-model.js';
import type { VarSpec } from './manifest-schema.js';
import { findInsecureReason } from './insecure.js';
import { findProductionProblem } from './production-rules.js';
import { localSpec } from './token-prefix.js';
import { isLoaderControl, noFakeAdvice } from './loader-control.js';
import { compileValidator, isSignedWith, type SiblingValue } from './types/index.js';

/** Where values live, which decides the rules on top of the manifest's types. */
export type Side = 'local' | 'production';

export interface Evaluation {
  side: Side;
  /** Required variables with no value. */
  missing: Issue[];
  /** Values that fail their variable's validator. */
  invalid: Issue[];
  /**
   * Local: values that look like real credentials, are weak, or match a forbid rule.
   * Production: weak, TLS off where required, or a developer's host.
   */
  insecure: Issue[];
  /** Production only: devsecrets fakes (`FAKE_IN_PRODUCTION`). */
  fake: Issue[];
}

/** What one value gets wrong, if anything. */
export interface Verdict {
  invalid?: Issue;
  insecure?: Issue;
  fake?: Issue;
}

/**
 * Checks one value for one variable on `side`: the validator first, then that side's rules.
 * @returns the issues (empty when the value is acceptable); reasons never contain the value.
 */
export function evaluateValue(manifest: Manifest, name: string, spec: VarSpec, value: string, side: Side = 'local'): Verdict {
  const result: Verdict = {};
  const reason = compileValidator(side === 'local' ? localSpec(spec) : spec)(value);
  if (reason !== undefined) result.invalid = { var: name, message: reason };
  if (side === 'local') {
    const insecure = findInsecureReason(spec, value, manifest.forbid);
    if (insecure !== undefined) result.insecure = { var: name, message: insecure };
  } else {
    const problem = findProductionProblem(spec, value);
    if (problem?.code === 'FAKE_IN_PRODUCTION') result.fake = { var: name, message: problem.reason };
    else if (problem !== undefined) result.insecure = { var: name, message: problem.reason };
  }
  return result;
}

/**
 * Why a `jwt` value is not signed with the value of its `signedWith` variable, or undefined:
 * also when that variable has no value or one that fails its own validator (reported as
 * such on `side`), and for any other spec. The value itself is expected to pass its own
 * validator. The reason names the signing variable, never a value.
 */
export function signatureReason(manifest: Manifest, spec: VarSpec, value: string, sibling: SiblingValue, side: Side = 'local'): string | undefined {
  if (spec.type !== 'jwt' || spec.signedWith === undefined) return undefined;
  const signerSpec = manifest.vars[spec.signedWith];
  const key = sibling(spec.signedWith);
  if (signerSpec === undefined || key === undefined || compileValidator(side === 'local' ? localSpec(signerSpec) : signerSpec)(key) !== undefined) return undefined;
  const alg = spec.alg ?? 'HS256';
  return isSignedWith(value, key, alg) ? undefined : `is not signed with the value of ${spec.signedWith} (${alg})`;
}

/**
 * Evaluates every manifest variable against `values` (absent = undefined) on `side`, a `jwt`
 * with `signedWith` also against the value of its signing variable (see {@link signatureReason}).
 */
export function evaluateValues(manifest: Manifest, values: Readonly<Record<string, string | undefined>>, side: Side = 'local'): Evaluation {
  const evaluation: Evaluation = { side, missing: [], invalid: [], insecure: [], fake: [] };
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const value = values[name];
    if (value === undefined) {
      if (spec.required !== false) evaluation.missing.push({ var: name, message: missingMessage(name) });
      continue;
    }
    const { invalid, insecure, fake } = evaluateValue(manifest, name, spec, value, side);
    const unsigned = invalid === undefined ? signatureReason(manifest, spec, value, (other) => values[other], side) : undefined;
    if (invalid) evaluation.invalid.push(invalid);
    else if (unsigned !== undefined) evaluation.invalid.push({ var: name, message: unsigned });
    if (insecure) evaluation.insecure.push(insecure);
    if (fake) evaluation.fake.push(fake);
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
  const issues = [...evaluation.fake, ...evaluation.insecure, ...invalid, ...unknown];
  if (issues.length === 0) return undefined;
  const code = evaluation.fake.length > 0 ? 'FAKE_IN_PRODUCTION' : evaluation.insecure.length > 0 ? 'INSECURE_VALUE' : invalid.length > 0 ? 'VALIDATION_FAILED' : 'UNKNOWN_VAR';
  const hint = evaluation.side === 'production'
    ? 'fix those values where production keeps them: devsecrets never writes there'
    : evaluation.insecure.length > 0
      ? 'replace those values with devsecrets set NAME, or regenerate fakes with devsecrets init --force'
      : invalid.length > 0
        ? 'fix the values with devsecrets set NAME, or check the inherited environment'
        : 'add the variables to the manifest, or remove them with devsecrets unset NAME';
  return new DevsecretsError(code, `refusing to run: ${issues.length} problem${issues.length === 1 ? '' : 's'} with the environment`, { issues, hint });
}
