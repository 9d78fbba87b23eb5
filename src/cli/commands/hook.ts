/**
 * `devsecrets hook install|uninstall` — the git pre-commit hook that runs
 * `devsecrets doctor --staged` and blocks a commit that would add a secret.
 */
import { locateManifest } from '../../adapters/manifest-file.js';
import { installHook, uninstallHook } from '../../adapters/git-hooks.js';
import type { CommandContext } from '../context.js';

/** `action` is one of the two: commander refuses anything else as a usage error (exit 2). */
export default async function hook(context: CommandContext, action: 'install' | 'uninstall'): Promise<void> {
  const { root } = locateManifest(context.cwd, context.manifestPath);
  if (action === 'install') {
    const installed = await installHook(root, context.env);
    const chained = installed.chained ? '; the hook that was there runs first' : '';
    context.output.info(`${installed.outcome} the pre-commit hook at ${installed.hook}${chained}`);
    return;
  }
  const removed = await uninstallHook(root, context.env);
  const said = { absent: `no devsecrets hook at ${removed.hook}: nothing to do`, removed: `removed ${removed.hook}`, restored: `removed devsecrets' hook and restored the previous ${removed.hook}` };
  context.output.info(said[removed.outcome]);
}
