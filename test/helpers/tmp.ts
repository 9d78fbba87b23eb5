/**
 * Temporary folders for integration tests, and bundles of adapter modules that child
 * processes can import: cross-process behaviour (locks, crashes, a hung D-Bus) must be
 * tested against the real code, and plain `node` cannot import TypeScript.
 */
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import { DevsecretsError } from '../../src/core/errors.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Creates a fresh empty folder under the OS temp folder. */
export async function makeTmpDir(prefix = 'devsecrets-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Gives each test of the enclosing suite its own temp folder, removed afterwards.
 *
 * @returns a getter for the current test's folder
 */
export function useTmpDir(): () => string {
  let current: string | undefined;
  beforeEach(async () => {
    current = await makeTmpDir();
  });
  afterEach(async () => {
    if (current !== undefined) await rm(current, { recursive: true, force: true });
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('useTmpDir: no test is running');
    return current;
  };
}

/**
 * Bundles `src/<module>.ts` into `<dir>/<name>.mjs` for child processes. Third-party
 * packages stay external and resolve through a `node_modules` link to the project's.
 *
 * @returns the bundle's absolute path
 */
export async function bundleForChild(module: string, dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(dir, `${module.replaceAll('/', '-')}.mjs`);
  await build({
    entryPoints: [join(projectRoot, 'src', `${module}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  await symlink(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return outfile;
}

/** The permission bits of a file or folder. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** The DevsecretsError a promise rejects with; anything else fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<DevsecretsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DevsecretsError)) throw new Error(`expected a DevsecretsError, got ${String(error)}`);
  return error;
}
