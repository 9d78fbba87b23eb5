/**
 * Rotating fakes (`devsecrets rotate [NAME...]`): a new seed, fresh generated values,
 * and a new expiry. Values a person set or imported are kept unless named explicitly.
 * Loader-control variables and those declared `"fake": false` get no fake, so rotation
 * passes them by.
 */
import { DevsecretsError } from './errors.js';
import type { Manifest } from './manifest-model.js';
import { generatedVar, getsFake, inFakeOrder } from './seed-store.js';
import { seedOf, type StoreDocument } from './store-document.js';
import { fakeTag, verifyFake } from './types/index.js';

export interface RotateReport {
  /** Regenerated, and the value is new. */
  changed: string[];
  /** Regenerated, and the value came out as before (a default, or a type with few values). */
  unchanged: string[];
  /** Person-provided values left as they were (not named). */
  kept: string[];
}

/**
 * Replaces the seed with `newSeed` and regenerates the named variables (all generated ones
 * when `names` is empty). Generated values that are not rotated keep their value and are
 * re-tagged under the new seed, so they still verify as devsecrets fakes.
 * A token signed with another variable's value is regenerated after it, so it is signed
 * with the key's new value.
 * @throws DevsecretsError `UNKNOWN_VAR` (exit 3) for a name the manifest does not declare;
 * `FAKE_UNAVAILABLE` (exit 3) for a variable named that gets no fake (nothing is changed).
 */
export function rotateDocument(document: StoreDocument, manifest: Manifest, names: readonly string[], newSeed: Uint8Array, now: Date): RotateReport {
  const unknown = names.filter((name) => !(name in manifest.vars));
  if (unknown.length > 0) {
    throw new DevsecretsError('UNKNOWN_VAR', `cannot rotate variables the manifest does not declare: ${unknown.join(', ')}`, {
      hint: 'devsecrets ls lists the variables',
    });
  }
  const fakeless = names.filter((name) => !getsFake(name, manifest.vars[name]!));
  if (fakeless.length > 0) {
    throw new DevsecretsError('FAKE_UNAVAILABLE', `cannot rotate ${fakeless.join(', ')}: devsecrets makes no fake for a variable that controls how programs load code, or is declared "fake": false`, {
      hint: 'set its value with devsecrets set NAME, or give it a default in the manifest',
    });
  }
  const oldSeed = seedOf(document);
  const chosen = new Set(names);
  const report: RotateReport = { changed: [], unchanged: [], kept: [] };
  for (const [name, spec] of inFakeOrder(manifest.vars)) {
    const stored = document.vars[name];
    const generated = stored === undefined || stored.origin === 'generated';
    // No fake for a variable that gets none, not even for a missing value; one an older
    // devsecrets (or manifest) made is left for sync to remove, not renewed.
    if (generated && !getsFake(name, spec)) continue;
    if (chosen.has(name) || (chosen.size === 0 && generated)) {
      document.vars[name] = generatedVar(name, spec, newSeed, now, (other) => document.vars[other]?.value);
      (document.vars[name].value === stored?.value ? report.unchanged : report.changed).push(name);
    } else if (stored !== undefined && generated && verifyFake(name, stored.value, oldSeed, stored.tag)) {
      stored.tag = fakeTag(name, stored.value, newSeed);
    } else if (stored !== undefined && !generated) {
      report.kept.push(name);
    }
  }
  document.seed = Buffer.from(newSeed).toString('hex');
  document.expiresAt = new Date(now.getTime() + manifest.ttlMs).toISOString();
  return report;
}
