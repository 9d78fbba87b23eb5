/**
 * Bringing a store in line with a changed manifest (`devsecrets sync`). Generated values
 * are devsecrets' own and may be replaced; values a person set or imported never are.
 * Loader-control variables and those declared `"fake": false` never get a fake: a missing
 * one stays missing.
 */
import { signatureReason } from './evaluate.js';
import type { Manifest } from './manifest-model.js';
import { generatedVar, getsFake, inFakeOrder, loaderVarsWithoutValue } from './seed-store.js';
import { seedOf, type StoreDocument } from './store-document.js';
import { compileValidator } from './types/index.js';
import { localSpec } from './token-prefix.js';

export interface SyncReport {
  /** Manifest variables that had no value and got a fake. */
  added: string[];
  /** Store variables the manifest no longer declares. */
  removed: string[];
  /** Generated values that no longer validated (or a token no longer signed with its key's value) and were regenerated. */
  regenerated: string[];
  /** Values a person set or imported that no longer validate: kept, reported. */
  invalidKept: { var: string; message: string }[];
  /**
   * Generated values of variables that get no fake, removed: loader-control variables (fakes
   * an older devsecrets made before such variables got none, or before the manifest opted
   * them in) and variables the manifest now declares `"fake": false`.
   */
  dropped: string[];
  /** Loader-control variables `run` will refuse for want of a value, which only a person can give. */
  unfilled: string[];
}

/**
 * Edits `document` in place and says what changed. Never touches a person's value, nor a
 * valid generated one unless its variable gets no fake. Works in {@link inFakeOrder}, so a
 * token signed with a regenerated key is checked, and signed again, after the key.
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
  const sibling = (other: string) => document.vars[other]?.value;
  for (const [name, spec] of inFakeOrder(manifest.vars)) {
    const stored = document.vars[name];
    const fakeable = getsFake(name, spec);
    if (stored === undefined) {
      if (!fakeable) continue;
      document.vars[name] = generatedVar(name, spec, seed, now, sibling);
      report.added.push(name);
      continue;
    }
    if (!fakeable && stored.origin === 'generated') {
      delete document.vars[name];
      report.dropped.push(name);
      continue;
    }
    // The store is the local side: a live token prefix reads in its test spelling (see token-prefix.ts).
    const reason = compileValidator(localSpec(spec))(stored.value) ?? signatureReason(manifest, spec, stored.value, sibling);
    if (reason === undefined) continue;
    if (stored.origin === 'generated') {
      document.vars[name] = generatedVar(name, spec, seed, now, sibling);
      report.regenerated.push(name);
    } else {
      report.invalidKept.push({ var: name, message: reason });
    }
  }
  report.unfilled = loaderVarsWithoutValue(manifest, document.vars);
  document.manifest = { version: manifest.version, digest: manifest.digest };
  return report;
}
