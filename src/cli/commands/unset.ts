/** `devsecrets unset NAME` */
import { DevsecretsError } from '../../core/errors.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { updateStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';

export default async function unset(context: CommandContext, name: string): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  await updateStore(manifest, context.env, ({ document }) => {
    if (document.vars[name] === undefined) {
      throw new DevsecretsError('FAILURE', `${name} is not in the store`, { hint: 'devsecrets ls lists the variables' });
    }
    delete document.vars[name];
    return { result: undefined, audit: { action: 'unset', vars: [name] } };
  });
  const spec = manifest.vars[name];
  context.output.info(`removed ${name} from the store`);
  if (spec === undefined || spec.required === false) return;
  if (spec.default !== undefined) context.output.info(`devsecrets run now passes the manifest's default for ${name}`);
  else context.output.warn(`${name} is required by the manifest: devsecrets run will refuse until it is set again (devsecrets sync gives it a fresh fake)`);
}
