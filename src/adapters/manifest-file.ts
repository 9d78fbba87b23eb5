/**
 * Finding and reading `devsecrets.json`: the nearest ancestor of the working folder that
 * holds one, or the file `--manifest` names. Reading is free of the schema; checking it
 * (`loadManifest`) loads the type system on demand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DevsecretsError } from '../core/errors.js';
import { MANIFEST_FILE, type Manifest } from '../core/manifest-model.js';

/** Where the manifest is (or would be created): its path and the project root. */
export interface ManifestLocation {
  path: string;
  root: string;
  exists: boolean;
}

/** The manifest's bytes, unchecked. */
export interface ManifestFile {
  path: string;
  root: string;
  text: string;
}

/** Walks up from `cwd`; without a manifest anywhere, the location is `cwd` itself. */
export function locateManifest(cwd: string, override?: string): ManifestLocation {
  if (override !== undefined) {
    const path = resolve(cwd, override);
    return { path, root: dirname(path), exists: existsSync(path) };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const path = join(dir, MANIFEST_FILE);
    if (existsSync(path)) return { path, root: dir, exists: true };
    if (dirname(dir) === dir) return { path: join(resolve(cwd), MANIFEST_FILE), root: resolve(cwd), exists: false };
  }
}

/**
 * Reads the manifest without checking it.
 * @throws DevsecretsError `MANIFEST_MISSING` (exit 3).
 */
export function readManifestFile(cwd: string, override?: string): ManifestFile {
  const location = locateManifest(cwd, override);
  if (!location.exists) {
    throw new DevsecretsError('MANIFEST_MISSING', `no ${MANIFEST_FILE} found in ${resolve(cwd)} or any parent folder`, {
      hint: override === undefined ? 'run devsecrets init to create one, or pass --manifest PATH' : `check the path given to --manifest`,
    });
  }
  const text = readFileSync(location.path, 'utf8');
  return { path: location.path, root: location.root, text };
}

/** Checks a manifest read by `readManifestFile`. @throws DevsecretsError `MANIFEST_INVALID` (exit 3). */
export async function checkManifestFile(file: ManifestFile): Promise<Manifest> {
  const { parseManifest } = await import('../core/manifest.js');
  return parseManifest(file.text, file.path, file.root);
}

/**
 * Reads and checks the manifest.
 * @throws DevsecretsError `MANIFEST_MISSING` or `MANIFEST_INVALID` (exit 3).
 */
export async function loadManifest(cwd: string, override?: string): Promise<Manifest> {
  return checkManifestFile(readManifestFile(cwd, override));
}
