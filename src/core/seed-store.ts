/**
 * Seeding a store document with fakes. Separate from the document itself because fake
 * generation needs the type system (and zod), which `run` does not load.
 */
import { createHmac } from 'node:crypto';
import { defaultOf } from './build-child-env.js';
import { isLoaderControl } from './loader-control.js';
import type { Manifest } from './manifest-model.js';
import type { VarSpec } from './manifest-schema.js';
import { STORE_FORMAT, type StoreDocument, type StoredVar } from './store-document.js';
import { fakeTag, generateFake, type SiblingValue } from './types/index.js';

/**
 * Whether devsecrets makes fakes for a variable: not for a loader-control one, whose value
 * only a person or the manifest's default may give, nor for one declared `"fake": false`.
 */
export function getsFake(name: string, spec: VarSpec): boolean {
  return spec.fake !== false && !isLoaderControl(name);
}

/**
 * The variables in the order their fakes are made: manifest order, but a `jwt` signed with
 * another variable's value after every other variable, so its signing key exists first.
 */
export function inFakeOrder(vars: Readonly<Record<string, VarSpec>>): [string, VarSpec][] {
  const entries = Object.entries(vars);
  const signed = ([, spec]: [string, VarSpec]) => spec.type === 'jwt' && spec.signedWith !== undefined;
  return [...entries.filter((entry) => !signed(entry)), ...entries.filter(signed)];
}

/** The manifest variables devsecrets makes fakes for (see {@link getsFake}), in {@link inFakeOrder}. */
export function fakeableVars(manifest: Manifest): [string, VarSpec][] {
  return inFakeOrder(manifest.vars).filter(([name, spec]) => getsFake(name, spec));
}

/**
 * Builds a new document holding a fake for every variable of {@link fakeableVars}.
 * @throws DevsecretsError `FAKE_UNAVAILABLE` when a variable's fake cannot be generated.
 */
export function createStoreDocument(manifest: Manifest, storeId: string, seed: Uint8Array, now: Date): StoreDocument {
  const document: StoreDocument = {
    format: STORE_FORMAT,
    storeId,
    seed: Buffer.from(seed).toString('hex'),
    auditKey: createHmac('sha256', seed).update('devsecrets/audit-key/v1').digest('hex'),
    manifest: { version: manifest.version, digest: manifest.digest },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + manifest.ttlMs).toISOString(),
    generation: 0,
    vars: {},
  };
  for (const [name, spec] of fakeableVars(manifest)) {
    document.vars[name] = generatedVar(name, spec, seed, now, (other) => document.vars[other]?.value);
  }
  return document;
}

/**
 * A freshly generated fake for one variable, tagged so `doctor` can verify it later;
 * `sibling` gives the values a fake may be made from (see `generateFake`).
 * @throws DevsecretsError `FAKE_UNAVAILABLE` as `generateFake` does.
 */
export function generatedVar(name: string, spec: VarSpec, seed: Uint8Array, now: Date, sibling?: SiblingValue): StoredVar {
  const value = generateFake(name, spec, seed, sibling);
  return { value, origin: 'generated', updatedAt: now.toISOString(), tag: fakeTag(name, value, seed) };
}

/**
 * The loader-control variables `run` would refuse for want of a value: required, without
 * a manifest default, and absent from `values`. Nothing will fill them but a person.
 */
export function loaderVarsWithoutValue(manifest: Manifest, values: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(manifest.vars)
    .filter(([name, spec]) => isLoaderControl(name) && spec.required !== false && defaultOf(spec) === undefined && values[name] === undefined)
    .map(([name]) => name);
}
