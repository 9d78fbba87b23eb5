/** `devsecrets get NAME [--reveal]` */
import { DevsecretsError } from '../../core/errors.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { openStore, recordAccess } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';

export interface GetOptions {
  reveal?: boolean;
}

export default async function get(context: CommandContext, name: string, options: GetOptions): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const spec = manifest.vars[name];
  const { document } = await openStore(manifest.root, context.env);
  const stored = document.vars[name];
  if (stored === undefined) {
    throw spec === undefined
      ? new DevsecretsError('UNKNOWN_VAR', `${name} is neither in the manifest nor in the store`, { hint: 'devsecrets ls lists the variables' })
      : new DevsecretsError('FAILURE', `${name} has no value in the store`, { hint: `devsecrets set ${name}` });
  }
  // A secret printed to a terminal ends up in scrollback and screen shares; a pipe is a deliberate act.
  if ((spec === undefined || spec.secret === true) && process.stdout.isTTY && options.reveal !== true) {
    throw new DevsecretsError('FAILURE', `${name} is secret; refusing to print it to a terminal`, {
      hint: `pipe it (devsecrets get ${name} | …) or pass --reveal`,
    });
  }
  await recordAccess(manifest.root, document, { action: 'get', vars: [name] });
  context.output.data(stored.value);
}
