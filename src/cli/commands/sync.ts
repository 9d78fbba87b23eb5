/** `devsecrets sync` — bring the store in line with a changed manifest. */
import { DevsecretsError } from '../../core/errors.js';
import { noFakeAdvice } from '../../core/loader-control.js';
import { syncDocument } from '../../core/sync-store.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { updateStore } from '../../adapters/vault.js';
import type { CommandContext } from '../context.js';

export default async function sync(context: CommandContext): Promise<void> {
  const { output } = context;
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const report = await updateStore(manifest, context.env, ({ document }) => {
    const changes = syncDocument(document, manifest, new Date());
    return { result: changes, audit: { action: 'sync', vars: [...changes.added, ...changes.removed, ...changes.regenerated, ...changes.dropped] } };
  });
  const lines: [string, string[]][] = [
    ['added with fresh fakes', report.added],
    ['removed (no longer in the manifest)', report.removed],
    ['regenerated (no longer valid)', report.regenerated],
    ['removed generated fakes (loader-control variables get none)', report.dropped],
  ];
  for (const [what, names] of lines) if (names.length > 0) output.info(`${what}: ${names.join(', ')}`);
  for (const name of report.unfilled) output.warn(`${name} ${noFakeAdvice(name)}`);
  if (report.invalidKept.length > 0) {
    throw new DevsecretsError('VALIDATION_FAILED', `store synced with manifest version ${manifest.version}, but values you set no longer validate`, {
      issues: report.invalidKept,
      hint: 'devsecrets never overwrites a value you set: fix each with devsecrets set NAME',
    });
  }
  output.info(`store synced with manifest version ${manifest.version}`);
}
