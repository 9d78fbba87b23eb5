/**
 * `devsecrets manifest pull --from PROVIDER_REF` — adds to the manifest the variables a
 * production provider holds and the manifest lacks, with specs inferred from their values
 * as `init --from` does: shapes only, never a value. The store is not touched: `devsecrets
 * sync` then gives the new variables fakes.
 */
import { DevsecretsError } from '../../core/errors.js';
import { inferFromProduction } from '../../core/infer-production.js';
import { readProvider } from '../../adapters/providers/index.js';
import { checkManifestFile, readManifestFile } from '../../adapters/manifest-file.js';
import { writeProjectFile } from '../../adapters/project-files.js';
import type { CommandContext } from '../context.js';
import { reportInference } from '../inference-report.js';

export interface ManifestPullOptions {
  from: string;
}

export default async function manifestPull(context: CommandContext, options: ManifestPullOptions): Promise<number> {
  const { output } = context;
  const file = readManifestFile(context.cwd, context.manifestPath);
  const manifest = await checkManifestFile(file);
  const { ref, values } = await readProvider(options.from, { manifest, env: context.env });
  const missing = Object.fromEntries(Object.entries(values).filter(([name]) => !(name in manifest.vars)));
  const inference = inferFromProduction(missing, '');
  const added = inference.vars.map(({ name }) => name);
  const summary = { manifest: file.path, from: ref, added };
  if (added.length === 0) {
    if (context.json) output.json(summary);
    output.info(`the manifest already declares every variable ${ref} holds`);
    return 0;
  }
  const document = JSON.parse(file.text) as { vars: Record<string, unknown> };
  document.vars = { ...document.vars, ...inference.document.vars };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  // Checked before it is written: a manifest pull never leaves an invalid manifest behind.
  await checkManifestFile({ ...file, text }).catch((error: unknown) => {
    throw error instanceof DevsecretsError
      ? new DevsecretsError(error.code, `the variables inferred from ${ref} would make the manifest invalid; nothing was written`, { issues: error.issues, hint: 'declare them by hand' })
      : error;
  });
  await writeProjectFile(file.path, text);
  // Only now: --json is one document, and a refusal above prints its own.
  if (context.json) output.json(summary);
  output.info(`added ${added.length} variable${added.length === 1 ? '' : 's'} from ${ref} to ${file.path}: review them and commit the manifest`);
  if (!context.json) reportInference(output, inference.vars);
  output.info('next: devsecrets sync gives them fakes in your store');
  return 0;
}
