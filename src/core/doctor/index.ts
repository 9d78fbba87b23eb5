/**
 * `devsecrets doctor`'s judgement: gathered facts in, a findings report out. Pure; the
 * adapters gather, the CLI prints.
 *
 * Checks that cannot run say so with one `CHECK_SKIPPED` note (info level) naming what was
 * skipped and why: drift, value, environment and generated-file checks without a valid
 * manifest, drift and value checks without an opened store, git checks outside a
 * repository. Every finding carries a `fix`; no message ever quotes a value.
 *
 * With staged content (`doctor --staged`, the pre-commit hook) only what the commit would
 * add is judged: a missing store or a drifted one must not block every commit.
 */
import { isAbsolute, relative } from 'node:path';
import { auditChainFinding, verifyAuditLog } from '../audit.js';
import type { StoreDocument } from '../store-document.js';
import { findCaseConflicts, toReport, type Finding, type Report } from '../findings.js';
import { loaderControlReason } from '../loader-control.js';
import type { Manifest } from '../manifest-model.js';
import { checkContent, checkStaged } from './content-checks.js';
import type { DoctorFacts, ManifestFact } from './facts.js';
import { checkGit } from './git-checks.js';
import { checkEnvFiles, checkPermissionFacts } from './hygiene-checks.js';
import { checkSchemaFiles } from './schema-checks.js';
import { checkDrift, checkExpiry, checkStoreAccess } from './store-checks.js';

export type { ContentFact, DoctorFacts, EnvFileFact, GitFact, IgnoreVerdict, ManifestFact, PermissionFact, SchemaFileFact, StoreFact } from './facts.js';
export { manifestFactFromError, storeFactFromError } from './facts.js';
export { leakNeedles, scanText, secretValues, type ContentHit, type Needle } from './content-scan.js';
export { planFixes, syncSafely, type ExampleNegation, type FixPlan, type Negation } from './fix-plan.js';
export { mayBeSchemaFile, type StaleSchemaFile } from './schema-checks.js';
export { classifyPath, existingEnvFiles, foldersAboveExamples, foldersToSearch, sensitivePaths, type ProjectListing, type SensitiveKind, type SensitivePath } from './sensitive-paths.js';

/** Runs every check on `facts`; the report is not ok when any finding is an error. */
export function diagnose(facts: DoctorFacts): Report {
  if (facts.content.kind === 'scanned' && facts.content.source === 'index') return toReport(checkStaged(facts.content));
  const display = (path: string): string => displayPath(facts.root, path);
  const manifest = facts.manifest.kind === 'valid' ? facts.manifest.manifest : undefined;
  const document = facts.store.kind === 'open' ? facts.store.document : undefined;
  const permissions = checkPermissionFacts(facts.permissions, display);
  const findings: Finding[] = [
    ...manifestFindings(facts.manifest, display),
    ...(manifest === undefined ? [] : loaderFindings(manifest)),
    ...checkStoreAccess(facts.store, new Set(permissions.map((finding) => finding.path ?? '')), display),
    ...(document === undefined ? [] : checkExpiry(document, facts.now)),
    ...(manifest === undefined || document === undefined ? [] : checkDrift(manifest, document)),
    ...permissions,
    ...(manifest === undefined ? [] : [...findCaseConflicts(manifest, facts.environment), ...checkEnvFiles(manifest, facts.envFiles), ...checkSchemaFiles(manifest, facts.schemaFiles)]),
    ...checkGit(facts.git),
    ...checkContent(facts.content),
    ...checkAudit(facts, document, display),
  ];
  if (manifest === undefined) {
    findings.push(skipped('drift, value, environment and generated-file checks skipped: they need a valid manifest', 'fix the manifest, then run devsecrets doctor again'));
  } else if (document === undefined) {
    findings.push(skipped('drift and value checks skipped: they need the store open', 'fix the store problem above, then run devsecrets doctor again'));
  }
  return toReport(findings);
}

function manifestFindings(fact: ManifestFact, display: (path: string) => string): Finding[] {
  if (fact.kind === 'valid') return [];
  const path = display(fact.path);
  const base = { code: 'MANIFEST_INVALID', level: 'error', path, fix: fact.fix } as const;
  if (fact.issues.length === 0) return [{ ...base, message: fact.message }];
  return fact.issues.map((issue) => ({
    ...base,
    message: `${path}: ${issue.var === undefined ? '' : `${issue.var}: `}${issue.message}`,
    ...(issue.var === undefined ? {} : { var: issue.var }),
  }));
}

/**
 * `LOADER_VARIABLE` (warn) for each loader-control variable the manifest opts in: legitimate,
 * but what it holds decides what code every program started by `run` loads, so a reviewer
 * should look at it. (One not opted in makes the manifest invalid instead.)
 */
function loaderFindings(manifest: Manifest): Finding[] {
  return Object.keys(manifest.vars).flatMap((name): Finding[] => {
    const reason = loaderControlReason(name);
    if (reason === undefined) return [];
    return [{
      code: 'LOADER_VARIABLE', level: 'warn', var: name,
      message: `${name} controls how programs load code (${reason}); the manifest declares it on purpose ("loaderControl": true)`,
      fix: 'check that its default and any value set for it load only what the team intends; devsecrets never generates one',
    }];
  });
}

/** The audit log's chain and, with the store open, its signatures: the check `audit --verify` makes. */
function checkAudit(facts: DoctorFacts, document: StoreDocument | undefined, display: (path: string) => string): Finding[] {
  const current = document === undefined ? undefined : { store: document.storeId, key: document.auditKey };
  const finding = auditChainFinding(verifyAuditLog(facts.audit.files, current), display(facts.audit.path));
  return finding === undefined ? [] : [finding];
}

function skipped(message: string, fix: string): Finding {
  return { code: 'CHECK_SKIPPED', level: 'info', message, fix };
}

/** Inside the project: relative to its root, so reports read the same on every machine. */
function displayPath(root: string, path: string): string {
  const inside = relative(root, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
