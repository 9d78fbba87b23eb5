/**
 * `devsecrets hook install|uninstall` — the git pre-commit hook that runs
 * `devsecrets doctor --staged` and blocks a commit that would add a secret (under husky, a
 * line in husky's `pre-commit` script; see git-hooks.ts).
 */
import { locateManifest } from '../../adapters/manifest-file.js';
import { installHook, uninstallHook } from '../../adapters/git-hooks.js';
import type { CommandContext } from '../context.js';

/** `action` is one of the two: commander refuses anything else as a usage error (exit 2). */
export default async function hook(context: CommandContext, action: 'install' | 'uninstall'): Promise<void> {
  const { root } = locateManifest(context.cwd, context.manifestPath);
  const { info } = context.output;
  if (action === 'install') {
    const installed = await installHook(root, context.env);
    if (installed.kind === 'husky') {
      info(`husky runs the git hooks here (${installed.hooks}) and rewrites them on npm install, so the check went into husky's own pre-commit script instead`);
      info(`${installed.outcome === 'updated' ? 'updated the devsecrets line of' : installed.created ? 'created' : 'added a devsecrets line to'} ${installed.script}; commit it so everyone gets the check (devsecrets hook uninstall removes the line)`);
      return;
    }
    const chained = installed.chained ? '; the hook that was there runs first' : '';
    info(`${installed.outcome} the pre-commit hook at ${installed.hook}${chained}`);
    if (installed.huskyPending) info('this project has a .husky folder: once npm install lets husky take over the git hooks, this hook stops running; then run devsecrets hook install again, which puts the check into .husky/pre-commit');
    if (installed.manager !== undefined) info(`that hook was written by ${installed.manager}, which may write it again: if commits stop being checked, run devsecrets hook install again`);
    return;
  }
  const removed = await uninstallHook(root, context.env);
  if (removed.kind === 'husky') {
    info(removed.outcome === 'removed' ? `removed the devsecrets line from ${removed.script}` : `no devsecrets line in ${removed.script}: nothing to do`);
    return;
  }
  const said = { absent: `no devsecrets hook at ${removed.hook}: nothing to do`, removed: `removed ${removed.hook}`, restored: `removed devsecrets' hook and restored the previous ${removed.hook}` };
  info(said[removed.outcome]);
}
