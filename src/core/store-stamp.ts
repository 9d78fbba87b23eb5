/**
 * Stamping a store document when it is written: the checks `run` would make are made
 * once, here, and the result recorded inside the authenticated document (see `CheckStamp`).
 */
import { storeValues } from './build-child-env.js';
import { evaluateValues } from './evaluate.js';
import type { Manifest } from './manifest-model.js';
import { CHECKS_REVISION, valuesOf, type StoreDocument } from './store-document.js';

/**
 * Sets `document.checked` when every required manifest variable has a stored value (or, for
 * a loader-control variable, a manifest default that takes the store's place: see
 * `storeValues`), no stored variable is unknown to the manifest, and every value passes
 * validation and the insecure rules; clears it otherwise. Inherited values never reach a
 * child of a stamped store for a variable the store holds: these values win over them. An
 * optional variable the store leaves out (`"fake": false`, or unset) may be inherited: the
 * stamp does not cover that value, and `run` checks everything when one is (see
 * `ChildEnv.fromEnv`).
 */
export function stampDocument(document: StoreDocument, manifest: Manifest): void {
  const values = storeValues(manifest, valuesOf(document));
  const complete = Object.entries(manifest.vars).every(([name, spec]) => values[name] !== undefined || spec.required === false);
  const known = Object.keys(document.vars).every((name) => name in manifest.vars);
  const evaluation = complete && known ? evaluateValues(manifest, values) : undefined;
  const clean = evaluation !== undefined && [...evaluation.missing, ...evaluation.invalid, ...evaluation.insecure].length === 0;
  if (clean) document.checked = { manifestSha256: manifest.textSha256, revision: CHECKS_REVISION };
  else delete document.checked;
}
