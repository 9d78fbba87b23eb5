/**
 * The generation record: the highest store generation devsecrets wrote for one store in
 * one project folder, kept outside the project, beside the fallback identities
 * (`$DEVSECRETS_HOME/generations/<store id>-<folder hash>`). A store whose document has a
 * lower generation is an older copy put back in place: a rollback. The record is keyed by
 * folder as well as store id, so a copy of a whole project (same store id) does not make
 * the original look rolled back.
 *
 * The record is not secret and not authenticated: it catches a store file rolled back on
 * its own, not someone who can also rewrite your devsecrets home.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, errorCode, writeFileAtomic } from './fs-safe.js';
import { identityHome } from './identity-file.js';

function recordPath(env: NodeJS.ProcessEnv, storeId: string, root: string): string {
  const folder = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return join(identityHome(env), 'generations', `${storeId}-${folder}`);
}

/**
 * The generation last recorded for the store `storeId` at `root`; undefined when there is no
 * record (a first use here, a moved folder) or it is unreadable, so nothing is refused then.
 *
 * @throws the underlying Node.js file-system error for failures other than a missing file
 */
export function recordedGeneration(env: NodeJS.ProcessEnv, storeId: string, root: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(recordPath(env, storeId, root), 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  const generation = Number(text.trim());
  return Number.isSafeInteger(generation) && generation >= 0 ? generation : undefined;
}

/**
 * Records `generation` as the last one written for the store at `root` (atomically, mode
 * 0600, folders 0700). Call after the store file is in place: a crash in between leaves
 * a record behind the store, which is accepted.
 *
 * @throws the underlying Node.js file-system error
 */
export async function recordGeneration(env: NodeJS.ProcessEnv, storeId: string, root: string, generation: number): Promise<void> {
  const path = recordPath(env, storeId, root);
  await ensurePrivateDir(join(path, '..'));
  await writeFileAtomic(path, `${generation}\n`);
}

/** Removes the record of a destroyed store; a missing record is fine. */
export function removeGenerationRecord(env: NodeJS.ProcessEnv, storeId: string, root: string): void {
  rmSync(recordPath(env, storeId, root), { force: true });
}
