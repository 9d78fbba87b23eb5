/**
 * Applying `doctor --fix`'s plan: the edits of ignore files a person approved, then the
 * devsecrets block of `.gitignore` gains the missing rules (the team's own lines and the
 * block's existing rules stay), stale generated files are written again, modes are tightened,
 * missing variables get fresh fakes (loader-control variables none, and an old fake of one is
 * removed) through one locked, audited store update, and — only
 * with `--yes` — variables the manifest dropped leave the store. No value is replaced and
 * no file is untracked.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { syncSafely, type ExampleNegation, type FixPlan, type Negation } from '../core/doctor/index.js';
import { blockRules, withDevsecretsBlock } from '../core/gitignore-block.js';
import type { Manifest } from '../core/manifest-model.js';
import { readTextIfExists, templateIgnoreRules, writeProjectFile } from './project-files.js';
import { updateStore } from './store.js';

/** What a person agreed to, of the changes `--fix` may not make alone. */
export interface Approved {
  negations: readonly Negation[];
  exampleNegations: readonly ExampleNegation[];
}

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
  approved: Approved = { negations: [], exampleNegations: [] },
): Promise<string[]> {
  const done: string[] = [];
  done.push(...(await editIgnoreFiles(root, approved)));
  if (plan.ignoreRules.length > 0) {
    const path = join(root, '.gitignore');
    const existing = readTextIfExists(path) ?? '';
    const current = blockRules(existing);
    const added = plan.ignoreRules.filter((rule) => !current.includes(rule));
    if (added.length > 0) {
      // The template's rules lead, in their order (its negations must follow its `.env.*`), as init writes them.
      const template = templateIgnoreRules();
      const rules = [...current, ...added];
      const ordered = [...template.filter((rule) => rules.includes(rule)), ...rules.filter((rule) => !template.includes(rule))];
      await writeProjectFile(path, withDevsecretsBlock(existing, ordered).text);
      done.push(`added ${added.join(', ')} to the devsecrets block of .gitignore`);
    }
  }
  for (const file of plan.schemaFiles) {
    await writeProjectFile(join(root, file.path), file.text);
    done.push(`wrote ${file.path} again from the manifest (devsecrets schema --format ${file.format})`);
  }
  for (const { path, mode } of plan.permissions) {
    await chmod(path, mode);
    done.push(`chmod ${mode.toString(8)} ${path}`);
  }
  if (plan.sync && manifest !== undefined) {
    const { seeded, dropped, synced } = await updateStore(manifest, env, ({ document }) => {
      const result = syncSafely(document, manifest, new Date());
      return { result, audit: { action: 'sync', vars: [...result.seeded, ...result.dropped] } };
    });
    if (seeded.length > 0) done.push(`seeded ${seeded.join(', ')} with fresh fakes`);
    if (dropped.length > 0) done.push(`removed the generated fake of ${dropped.join(', ')} (loader-control variables and those declared "fake": false get none)`);
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

type LineEdit =
  | { kind: 'remove'; line: number; negation: Negation }
  | { kind: 'insert'; line: number; negation: ExampleNegation };

/**
 * Deletes the negation lines and adds the example negations a person approved, file by
 * file, from the bottom up so the line numbers of the edits above stay right. A line that
 * no longer holds the pattern it was approved for is left alone, and so is its edit.
 */
async function editIgnoreFiles(root: string, approved: Approved): Promise<string[]> {
  const done: string[] = [];
  const bySource = new Map<string, LineEdit[]>();
  const edit = (source: string, change: LineEdit): void => void bySource.set(source, [...(bySource.get(source) ?? []), change]);
  for (const negation of approved.negations) edit(negation.source, { kind: 'remove', line: negation.line, negation });
  for (const negation of approved.exampleNegations) edit(negation.source, { kind: 'insert', line: negation.afterLine ?? Number.MAX_SAFE_INTEGER, negation });
  const appended = (lines: readonly string[]): number => (lines.at(-1) === '' ? lines.length - 1 : lines.length);
  for (const [source, edits] of bySource) {
    const path = join(root, source);
    const existing = readTextIfExists(path) ?? '';
    const lines = existing.split('\n');
    // Bottom up; at the same line, insert below it before removing it.
    for (const change of [...edits].sort((a, b) => b.line - a.line || (a.kind === 'insert' ? -1 : 1))) {
      if (change.kind === 'remove') {
        if (lines[change.line - 1]?.trim() !== change.negation.pattern) continue;
        lines.splice(change.line - 1, 1);
        done.push(`removed ${change.negation.pattern} (line ${change.line}) from ${source}`);
      } else {
        const { afterLine, ignoredBy, rule, path: example } = change.negation;
        if (afterLine !== undefined && lines[afterLine - 1]?.trim() !== ignoredBy.pattern.trim()) continue;
        // At the end means before what follows the final newline, if any.
        lines.splice(afterLine ?? appended(lines), 0, rule);
        done.push(`added ${rule} to ${source}${afterLine === undefined ? '' : ` after line ${afterLine}`}, so ${example} can be committed`);
      }
    }
    const text = lines.join('\n');
    if (text !== existing) await writeProjectFile(path, text);
  }
  return done;
}
