/**
 * Bringing a store in line with a changed manifest (`devsecrets sync`). Generated values
 * are devsecrets' own and may be replaced; values a person set or imported never are.
 */
import type { Manifest } from './manifest-model.js';
import { generatedVar } from './seed-store.js';
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
}

/** Edits `document` in place and says what changed. Never touches a valid value or a person's value. */
export function syncDocument(document: StoreDocument, manifest: Manifest, now: Date): SyncReport {
  const report: SyncReport = { added: [], removed: [], regenerated: [], invalidKept: [] };
  const seed = seedOf(document);
  for (const name of Object.keys(document.vars).sort()) {
    if (!(name in manifest.vars)) {
      delete document.vars[name];
      report.removed.push(name);
    }
  }
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const stored = document.vars[name];
    if (stored === undefined) {
      document.vars[name] = generatedVar(name, spec, seed, now);
      report.added.push(name);
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
  document.manifest = { version: manifest.version, digest: manifest.digest };
  return report;
}
