/**
 * Applying `doctor --fix`'s plan: the devsecrets block of `.gitignore` gains the missing
 * rules (the team's own lines and the block's existing rules stay), modes are tightened,
 * missing variables get fresh fakes through one locked, audited store update, and — only
 * with `--yes` — variables the manifest dropped leave the store. No value is replaced and
 * no file is untracked.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { syncSafely, type FixPlan, type Negation } from '../core/doctor/index.js';
import { blockRules, withDevsecretsBlock } from '../core/gitignore-block.js';
import type { Manifest } from '../core/manifest-model.js';
import { readTextIfExists, writeProjectFile } from './project-files.js';
import { updateStore } from './vault.js';

/**
 * Carries out `plan` for the project at `root`; `manifest` is needed only to seed.
 * @returns one line per change made, for people.
 * @throws DevsecretsError from the store update (locked, unreadable).
 */
export async function applyFixes(
  root: string,
  manifest: Manifest | undefined,
  env: NodeJS.ProcessEnv,
  plan: FixPlan,
  approvedNegations: readonly Negation[] = [],
): Promise<string[]> {
  const done: string[] = [];
  done.push(...(await removeNegations(root, approvedNegations)));
  if (plan.ignoreRules.length > 0) {
    const path = join(root, '.gitignore');
    const existing = readTextIfExists(path) ?? '';
    const current = blockRules(existing);
    const added = plan.ignoreRules.filter((rule) => !current.includes(rule));
    const { text, changed } = withDevsecretsBlock(existing, [...current, ...added]);
    if (changed) {
      await writeProjectFile(path, text);
      done.push(`added ${added.join(', ')} to the devsecrets block of .gitignore`);
    }
  }
  for (const { path, mode } of plan.permissions) {
    await chmod(path, mode);
    done.push(`chmod ${mode.toString(8)} ${path}`);
  }
  if (plan.sync && manifest !== undefined) {
    const { seeded, synced } = await updateStore(manifest, env, ({ document }) => {
      const result = syncSafely(document, manifest, new Date());
      return { result, audit: { action: 'sync', vars: result.seeded } };
    });
    if (seeded.length > 0) done.push(`seeded ${seeded.join(', ')} with fresh fakes`);
    if (synced) done.push(`store synced with manifest version ${manifest.version}`);
  }
  if (plan.extras.length > 0 && manifest !== undefined) {
    await updateStore(manifest, env, ({ document }) => {
      for (const name of plan.extras) delete document.vars[name];
      return { result: undefined, audit: { action: 'unset', vars: plan.extras } };
    });
    done.push(`removed ${plan.extras.join(', ')} (not in the manifest) from the store`);
  }
  return done;
}

/**
 * Deletes the negation lines a person approved, from the bottom of each file up so earlier
 * line numbers stay right; a line that no longer holds its pattern is left alone.
 */
async function removeNegations(root: string, negations: readonly Negation[]): Promise<string[]> {
  const done: string[] = [];
  const bySource = new Map<string, Negation[]>();
  for (const negation of negations) bySource.set(negation.source, [...(bySource.get(negation.source) ?? []), negation]);
  for (const [source, list] of bySource) {
    const path = join(root, source);
    const lines = (readTextIfExists(path) ?? '').split('\n');
    for (const negation of [...list].sort((a, b) => b.line - a.line)) {
      if (lines[negation.line - 1]?.trim() !== negation.pattern) continue;
      lines.splice(negation.line - 1, 1);
      done.push(`removed ${negation.pattern} (line ${negation.line}) from ${source}`);
    }
    await writeProjectFile(path, lines.join('\n'));
  }
  return done;
}
