/** `devsecrets destroy [--yes]` — delete the store and its identity. */
import { DevsecretsError } from '../../core/errors.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { destroyStore } from '../../adapters/store-lifecycle.js';
import type { CommandContext } from '../context.js';
import { confirm } from '../prompt.js';

export interface DestroyOptions {
  yes?: boolean;
}

export default async function destroy(context: CommandContext, options: DestroyOptions): Promise<number> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      throw new DevsecretsError('USAGE', 'destroy deletes the store and its identity; without a terminal to confirm on, it needs --yes', {
        hint: 'devsecrets destroy --yes',
      });
    }
    if (!(await confirm('delete the store and its identity? values you set are lost'))) {
      context.output.info('nothing deleted');
      return 1;
    }
  }
  const outcome = await destroyStore(manifest.root, context.env);
  context.output.info(`deleted the store and ${outcome.identity}; .devsecrets/audit.log keeps the record`);
  return 0;
}
