/** `devsecrets set NAME [VALUE]` — the value comes from stdin when not given. */
import { DevsecretsError } from '../../core/errors.js';
import { evaluateValue } from '../../core/evaluate.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { updateStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';
import { readValue } from '../prompt.js';

export default async function set(context: CommandContext, name: string, given: string | undefined): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const spec = manifest.vars[name];
  if (spec === undefined) {
    throw new DevsecretsError('UNKNOWN_VAR', `${name} is not in the manifest`, { hint: `declare ${name} in ${manifest.path} first` });
  }
  if (given !== undefined && spec.secret === true) {
    context.output.warn(`${name} is secret and was given on the command line, where shell history and ps can see it; pipe it on stdin next time`);
  }
  const value = given ?? (await readValue(`value for ${name} (not echoed): `));
  const { invalid, insecure } = evaluateValue(manifest, name, spec, value);
  const issues = [insecure, invalid].filter((issue) => issue !== undefined);
  if (issues.length > 0) {
    throw new DevsecretsError(insecure ? 'INSECURE_VALUE' : 'VALIDATION_FAILED', `not saved: the value for ${name} is not acceptable`, {
      issues,
      hint: 'the store is unchanged; devsecrets ls shows what each variable expects',
    });
  }
  await updateStore(manifest, context.env, ({ document }) => {
    document.vars[name] = { value, origin: 'set', updatedAt: new Date().toISOString() };
    return { result: undefined, audit: { action: 'set', vars: [name] } };
  });
  context.output.info(`set ${name} (${spec.secret === true ? 'secret ' : ''}${spec.type}, ${value.length} chars)`);
}
