/**
 * Stamping a store document when it is written: the checks `run` would make are made
 * once, here, and the result recorded inside the authenticated document (see `CheckStamp`).
 */
import { evaluateValues } from './evaluate.js';
import type { Manifest } from './manifest-model.js';
import { CHECKS_REVISION, valuesOf, type StoreDocument } from './store-document.js';

/**
 * Sets `document.checked` when every manifest variable has a stored value, no stored
 * variable is unknown to the manifest, and every value passes validation and the insecure
 * rules; clears it otherwise.
 */
export function stampDocument(document: StoreDocument, manifest: Manifest): void {
  const complete = Object.keys(manifest.vars).every((name) => document.vars[name] !== undefined);
  const known = Object.keys(document.vars).every((name) => name in manifest.vars);
  const evaluation = complete && known ? evaluateValues(manifest, valuesOf(document)) : undefined;
  const clean = evaluation !== undefined && [...evaluation.missing, ...evaluation.invalid, ...evaluation.insecure].length === 0;
  if (clean) document.checked = { manifestSha256: manifest.textSha256, revision: CHECKS_REVISION };
  else delete document.checked;
}
