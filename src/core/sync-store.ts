/**
 * Bringing a store in line with a changed manifest (`devsecrets sync`). Generated values
 * are devsecrets' own and may be replaced; values a person set or imported never are.
 * Loader-control variables never get a fake: a missing one stays missing.
 */
import { isLoaderControl } from './loader-control.js';
import type { Manifest } from './manifest-model.js';
import { generatedVar, loaderVarsWithoutValue } from './seed-store.js';
import { seedOf, type StoreDocument } from './store-document.js';
import { compileValidator } from './types/index.js';

export interface SyncReport {
  /** Manifest variables that had no value and got a fake. */
  added: string[];
  /** Store variables the manifest no longer declares. */
  removed: string[];
  /** Generated values that no longer validated and were regenerated. */
  regenerated: string[];
  /** Values a person set or imported that no longer validate: kept, reported. */
  invalidKept: { var: string; message: string }[];
  /**
   * Generated values of loader-control variables, removed: fakes an older devsecrets made
   * before such variables got none (or before the manifest opted them in).
   */
  dropped: string[];
  /** Loader-control variables `run` will refuse for want of a value, which only a person can give. */
  unfilled: string[];
}

/**
 * Edits `document` in place and says what changed. Never touches a person's value, nor a
 * valid generated one unless it is a loader-control variable's fake.
 */
export function syncDocument(document: StoreDocument, manifest: Manifest, now: Date): SyncReport {
  const report: SyncReport = { added: [], removed: [], regenerated: [], invalidKept: [], dropped: [], unfilled: [] };
  const seed = seedOf(document);
  for (const name of Object.keys(document.vars).sort()) {
    if (!(name in manifest.vars)) {
      delete document.vars[name];
      report.removed.push(name);
    }
  }
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const stored = document.vars[name];
    const loaderControl = isLoaderControl(name);
    if (stored === undefined) {
      if (loaderControl) continue;
      document.vars[name] = generatedVar(name, spec, seed, now);
      report.added.push(name);
      continue;
    }
    if (loaderControl && stored.origin === 'generated') {
      delete document.vars[name];
      report.dropped.push(name);
      continue;
    }
    const reason = compileValidator(spec)(stored.value);
    if (reason === undefined) continue;
    if (stored.origin === 'generated') {
      document.vars[name] = generatedVar(name, spec, seed, now);
      report.regenerated.push(name);
    } else {
      report.invalidKept.push({ var: name, message: reason });
    }
  }
  report.unfilled = loaderVarsWithoutValue(manifest, document.vars);
  document.manifest = { version: manifest.version, digest: manifest.digest };
  return report;
}
