/**
 * The store against the manifest: is it there and readable, has it expired, has it drifted
 * from the manifest, and can each secret be trusted to be a devsecrets fake. Levels follow
 * `run`: what makes `run` refuse is an error, what it tolerates is a warning.
 */
import { defaultOf } from '../build-child-env.js';
import { evaluateValue, signatureReason } from '../evaluate.js';
import type { Finding } from '../findings.js';
import { isLoaderControl, noFakeAdvice } from '../loader-control.js';
import type { Manifest } from '../manifest-model.js';
import { expiryError, seedOf, versionDriftError, type StoreDocument } from '../store-document.js';
import { verifyFake } from '../types/index.js';
import type { StoreFact } from './facts.js';

const STORE_PATH = '.devsecrets/store.age';

/**
 * `STORE_MISSING`, `STORE_UNREADABLE`, `IDENTITY_MISSING` or `FILE_PERMISSIONS` when the
 * store did not open. A permissions refusal is left out when `reportedPaths` already has a
 * `FILE_PERMISSIONS` finding for the same file.
 */
export function checkStoreAccess(store: StoreFact, reportedPaths: ReadonlySet<string>, displayPath: (path: string) => string): Finding[] {
  if (store.kind === 'open') return [];
  if (store.kind === 'missing') {
    return [{ code: 'STORE_MISSING', level: 'error', message: `no store at ${STORE_PATH}`, path: STORE_PATH, fix: 'devsecrets init' }];
  }
  const path = store.path === undefined ? undefined : displayPath(store.path);
  if (store.code === 'FILE_PERMISSIONS' && path !== undefined && reportedPaths.has(path)) return [];
  return [{ code: store.code, level: 'error', message: store.message, ...(path === undefined ? {} : { path }), fix: store.fix }];
}

/** `STORE_EXPIRED` when the store's time to live has passed (`run` then refuses it). */
export function checkExpiry(document: StoreDocument, now: Date): Finding[] {
  const expired = expiryError(document, now);
  if (expired === undefined) return [];
  return [{ code: 'STORE_EXPIRED', level: 'error', message: expired.message, path: STORE_PATH, fix: 'devsecrets rotate' }];
}

/**
 * Drift and trust, variable by variable:
 * - `DRIFT_MANIFEST_VERSION`: an error when the store was synced with an older manifest
 *   version (`run` refuses it), a warning when only the manifest's content changed;
 * - `DRIFT_MISSING_VAR`: an error for a required variable without a default (`run` refuses),
 *   a warning when the manifest default stands in; optional variables may be left unset,
 *   and so may loader-control variables with a default (they never get a stored copy);
 * - `DRIFT_EXTRA_VAR` (warn): in the store, not in the manifest;
 * - `DRIFT_INVALID_VALUE`, `INSECURE_VALUE` (errors): what `run` would refuse, whatever the
 *   value's origin — a fake too becomes insecure when a `forbid` rule starts matching it,
 *   and a token stops being valid when the value of the variable it is signed with changes;
 * - `UNVERIFIED_VALUE` (warn): a secret that is not a verified devsecrets fake (set or
 *   imported by a person, or a generated value whose tag no longer matches), unless it is
 *   already reported insecure;
 * - `LOADER_VARIABLE` (warn): a loader-control variable holding a generated value, a fake
 *   made before such variables got none, which `sync` removes.
 */
export function checkDrift(manifest: Manifest, document: StoreDocument): Finding[] {
  const findings: Finding[] = [...checkManifestVersion(manifest, document)];
  const seed = seedOf(document);
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const stored = document.vars[name];
    const loaderControl = isLoaderControl(name);
    if (stored === undefined) {
      if (spec.required === false) continue;
      const hasDefault = defaultOf(spec) !== undefined;
      if (loaderControl) {
        if (!hasDefault) {
          findings.push({
            code: 'DRIFT_MISSING_VAR', level: 'error', var: name,
            message: `${name} is required but not in the store; it ${noFakeAdvice(name)}`, fix: `devsecrets set ${name}`,
          });
        }
        continue;
      }
      findings.push({
        code: 'DRIFT_MISSING_VAR', level: hasDefault ? 'warn' : 'error', var: name,
        message: hasDefault ? `${name} is not in the store; run falls back to the manifest default` : `${name} is required but not in the store`,
        fix: 'devsecrets sync',
      });
      continue;
    }
    if (loaderControl && stored.origin === 'generated') {
      findings.push({
        code: 'LOADER_VARIABLE', level: 'warn', var: name,
        message: `${name} holds a fake generated before devsecrets stopped making them for loader-control variables; run passes it on`,
        fix: 'devsecrets sync removes it',
      });
    }
    const { invalid, insecure } = evaluateValue(manifest, name, spec, stored.value);
    const personal = stored.origin !== 'generated';
    const reason = invalid?.message ?? signatureReason(manifest, spec, stored.value, (other) => document.vars[other]?.value);
    if (reason !== undefined) {
      findings.push({
        code: 'DRIFT_INVALID_VALUE', level: 'error', var: name, message: `${name}: ${reason}`,
        fix: personal ? `devsecrets set ${name}` : 'devsecrets sync',
      });
    }
    if (insecure !== undefined) {
      findings.push({
        code: 'INSECURE_VALUE', level: 'error', var: name, message: `${name}: ${insecure.message}`,
        fix: `devsecrets rotate ${name} for a fresh fake, or devsecrets set ${name}`,
      });
    } else if (spec.secret === true && (personal || !verifyFake(name, stored.value, seed, stored.tag))) {
      findings.push({
        code: 'UNVERIFIED_VALUE', level: 'warn', var: name,
        message: personal
          ? `${name} was ${stored.origin === 'set' ? 'set by a person' : 'imported from a dotenv file'}, not generated: make sure it is not a real credential`
          : `${name} is marked generated but is not a verified devsecrets fake: it was changed outside devsecrets`,
        fix: `devsecrets rotate ${name} replaces it with a fake; keep it only if you know where it came from`,
      });
    }
  }
  for (const name of Object.keys(document.vars)) {
    if (name in manifest.vars) continue;
    findings.push({
      code: 'DRIFT_EXTRA_VAR', level: 'warn', var: name, message: `${name} is in the store but not in the manifest`,
      fix: `devsecrets sync (or doctor --fix --yes) removes it; or declare ${name} in the manifest`,
    });
  }
  return findings;
}

function checkManifestVersion(manifest: Manifest, document: StoreDocument): Finding[] {
  const behind = versionDriftError(document, manifest.version);
  if (behind !== undefined) {
    return [{ code: 'DRIFT_MANIFEST_VERSION', level: 'error', message: behind.message, path: STORE_PATH, fix: 'devsecrets sync' }];
  }
  if (document.manifest.digest === manifest.digest) return [];
  return [{
    code: 'DRIFT_MANIFEST_VERSION', level: 'warn',
    message: `the manifest changed since the store was last synced with it (at version ${document.manifest.version})`,
    path: STORE_PATH, fix: 'devsecrets sync',
  }];
}
