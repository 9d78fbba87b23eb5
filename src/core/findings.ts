/**
 * Findings: what `check` and `doctor` report, each with a stable code users can grep for.
 * Messages name variables and paths, never values.
 */
import type { Manifest } from './manifest-model.js';
import { defaultOf } from './build-child-env.js';
import { evaluateValues, type Side } from './evaluate.js';

export type FindingCode =
  | 'MANIFEST_INVALID' | 'STORE_MISSING' | 'STORE_UNREADABLE' | 'STORE_UNAUTHENTICATED' | 'STORE_ROLLED_BACK' | 'STORE_EXPIRED'
  | 'FAKE_IN_PRODUCTION'
  | 'FILE_PERMISSIONS' | 'IDENTITY_MISSING' | 'DRIFT_MISSING_VAR' | 'DRIFT_EXTRA_VAR'
  | 'DRIFT_INVALID_VALUE' | 'DRIFT_MANIFEST_VERSION' | 'INSECURE_VALUE' | 'UNVERIFIED_VALUE'
  | 'GITIGNORE_UNCOVERED' | 'EXAMPLE_IGNORED' | 'TRACKED_SECRET_FILE' | 'LEAKED_VALUE'
  | 'SECRET_PATTERN' | 'ENV_CASE_CONFLICT' | 'ENV_FILE_SHADOW' | 'AUDIT_CHAIN_BROKEN'
  // Always at warn level: a loader-control variable the manifest opts in, for reviewers to notice.
  | 'LOADER_VARIABLE'
  // Always at warn level: a file devsecrets schema generated no longer matches the manifest.
  | 'SCHEMA_STALE'
  // Always at info level: a group of checks could not run, and the message says which and why.
  | 'CHECK_SKIPPED';

export type FindingLevel = 'error' | 'warn' | 'info';

export interface Finding {
  code: FindingCode;
  level: FindingLevel;
  message: string;
  var?: string;
  path?: string;
  fix?: string;
}

/** The `--json` document of `check` and `doctor`. */
export interface Report {
  ok: boolean;
  findings: Finding[];
}

/** `ok` is false as soon as one finding is at error level. */
export function toReport(findings: Finding[]): Report {
  return { ok: findings.every((finding) => finding.level !== 'error'), findings };
}

/**
 * The pre-deploy gate: judges an environment (the process's, a dotenv file's, a
 * provider's) against the manifest with no store involved, under the rules of `side`.
 */
export function checkEnvironment(manifest: Manifest, values: Readonly<Record<string, string | undefined>>, source: string, side: Side = 'local'): Finding[] {
  // As in `run`, a variable the environment leaves out takes its manifest default.
  const resolved: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) resolved[name] = values[name] ?? defaultOf(spec);
  const evaluation = evaluateValues(manifest, resolved, side);
  return [
    ...evaluation.missing.map((issue): Finding => ({
      code: 'DRIFT_MISSING_VAR', level: 'error', var: issue.var, message: `${issue.var} is required but not set in ${source}`,
      fix: `define ${issue.var} in ${source}`,
    })),
    ...evaluation.invalid.map((issue): Finding => ({
      code: 'DRIFT_INVALID_VALUE', level: 'error', var: issue.var, message: `${issue.var}: ${issue.message}`,
      fix: `give ${issue.var} a value the manifest accepts`,
    })),
    ...evaluation.fake.map((issue): Finding => ({
      code: 'FAKE_IN_PRODUCTION', level: 'error', var: issue.var, message: `${issue.var}: ${issue.message}`,
      fix: `put the real value of ${issue.var} in ${source}`,
    })),
    ...evaluation.insecure.map((issue): Finding => ({
      code: 'INSECURE_VALUE', level: 'error', var: issue.var, message: `${issue.var}: ${issue.message}`,
      fix: `replace the value of ${issue.var}`,
    })),
    ...findCaseConflicts(manifest, values),
  ];
}

/**
 * What a provider holds beside the manifest, by name only: `DRIFT_EXTRA_VAR` (warn) for a
 * key the manifest does not declare, and `DRIFT_MISSING_VAR` (info) for an optional
 * variable it lacks (a required one is already an error of {@link checkEnvironment}).
 */
export function inventoryDrift(manifest: Manifest, values: Readonly<Record<string, string>>, source: string): Finding[] {
  const extra = Object.keys(values).filter((name) => !(name in manifest.vars)).sort().map((name): Finding => ({
    code: 'DRIFT_EXTRA_VAR', level: 'warn', var: name, message: `${name} is in ${source} but not in the manifest`,
    fix: `declare ${name} in the manifest (devsecrets manifest pull --from ${source}), or remove it from ${source}`,
  }));
  const absent = Object.entries(manifest.vars)
    .filter(([name, spec]) => values[name] === undefined && (spec.required === false || defaultOf(spec) !== undefined))
    .map(([name]): Finding => ({
      code: 'DRIFT_MISSING_VAR', level: 'info', var: name, message: `${name} is not in ${source}; the app gets its default or none`,
      fix: `add ${name} to ${source} if production should set it`,
    }));
  return [...extra, ...absent];
}

/**
 * `ENV_CASE_CONFLICT` (warn) for each variable of `values` whose name equals a manifest
 * name but for case: harmless on Linux, one variable on Windows, where either may win.
 */
export function findCaseConflicts(manifest: Manifest, values: Readonly<Record<string, string | undefined>>): Finding[] {
  const declared = new Map(Object.keys(manifest.vars).map((name) => [name.toUpperCase(), name]));
  const findings: Finding[] = [];
  for (const name of Object.keys(values)) {
    const match = declared.get(name.toUpperCase());
    if (match !== undefined && match !== name && values[name] !== undefined) {
      findings.push({
        code: 'ENV_CASE_CONFLICT', level: 'warn', var: match,
        message: `${name} differs from the manifest's ${match} only in case: Windows treats them as one variable`,
        fix: `rename ${name} to ${match}`,
      });
    }
  }
  return findings;
}
