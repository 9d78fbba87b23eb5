/**
 * Judging a set of values against the manifest: which are missing, which fail their
 * validator, which are insecure. Shared by `run`, `check`, `set` and the library API so
 * all of them say the same thing about the same value. Every problem is collected.
 */
import type { Issue } from './errors.js';
import type { Manifest } from './manifest.js';
import type { VarSpec } from './manifest-schema.js';
import { findInsecureReason } from './insecure.js';
import { compileValidator } from './types/index.js';

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
 * Evaluates every manifest variable against `values` (absent = undefined).
 */
export function evaluateValues(manifest: Manifest, values: Readonly<Record<string, string | undefined>>): Evaluation {
  const evaluation: Evaluation = { missing: [], invalid: [], insecure: [] };
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const value = values[name];
    if (value === undefined) {
      if (spec.required !== false) evaluation.missing.push({ var: name, message: 'is required but has no value' });
      continue;
    }
    const { invalid, insecure } = evaluateValue(manifest, name, spec, value);
    if (invalid) evaluation.invalid.push(invalid);
    if (insecure) evaluation.insecure.push(insecure);
  }
  return evaluation;
}

/** The manifest default of a non-secret variable as an environment string, if it has one. */
export function defaultOf(spec: VarSpec): string | undefined {
  if (spec.secret === true || !('default' in spec) || spec.default === undefined) return undefined;
  return typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default);
}
