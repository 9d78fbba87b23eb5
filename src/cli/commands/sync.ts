/** `devsecrets sync [--adopt [--yes]]` — bring the store in line with a changed manifest; adopt a store written outside devsecrets. */
import { DevsecretsError } from '../../core/errors.js';
import { noFakeAdvice } from '../../core/loader-control.js';
import { syncDocument } from '../../core/sync-store.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { updateStore, type OpenedStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';
import { confirm } from '../prompt.js';

export interface SyncOptions {
  /** Accept a store that does not prove who wrote it, or an older copy, after showing what it holds. */
  adopt?: boolean;
  yes?: boolean;
}

export default async function sync(context: CommandContext, options: SyncOptions): Promise<void> {
  const { output } = context;
  if (options.adopt && !options.yes && !process.stdin.isTTY) {
    throw new DevsecretsError('USAGE', 'sync --adopt accepts a store devsecrets cannot vouch for; without a terminal to confirm on, it needs --yes', {
      hint: 'look at it first (devsecrets sync --adopt on a terminal shows what it holds), then devsecrets sync --adopt --yes',
    });
  }
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const report = await updateStore(manifest, context.env, async (opened) => {
    if (opened.trust !== 'authenticated') await adopt(context, opened, options.yes === true);
    else if (options.adopt) output.info('the store proves it was written with this identity: nothing to adopt');
    const changes = syncDocument(opened.document, manifest, new Date());
    return { result: changes, audit: { action: 'sync', vars: [...changes.added, ...changes.removed, ...changes.regenerated, ...changes.dropped] } };
  }, { adopt: options.adopt === true });
  const lines: [string, string[]][] = [
    ['added with fresh fakes', report.added],
    ['removed (no longer in the manifest)', report.removed],
    ['regenerated (no longer valid)', report.regenerated],
    ['removed generated fakes (loader-control variables and those declared "fake": false get none)', report.dropped],
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

/** Shows what an untrusted store holds (names and origins, never values) and asks before vouching for it. */
async function adopt(context: CommandContext, { document, trust }: OpenedStore, yes: boolean): Promise<void> {
  const { output } = context;
  output.warn(trust === 'rolled-back'
    ? `the store is an older copy (generation ${document.generation}) than the last one devsecrets wrote here`
    : 'the store does not prove it was written with this identity (replaced, written with age -r, or by an older devsecrets)');
  const names = Object.entries(document.vars).sort(([a], [b]) => a.localeCompare(b)).map(([name, stored]) => `${name} (${stored.origin})`);
  output.info(`it holds ${names.length} variable${names.length === 1 ? '' : 's'}: ${names.join(', ') || 'none'}; it expires ${document.expiresAt}`);
  if (!yes && !(await confirm('adopt it? from now on devsecrets vouches for every value in it'))) {
    throw new DevsecretsError('FAILURE', 'store not adopted; nothing changed', { hint: 'restore .devsecrets/store.age from a backup, or start over with devsecrets init --force' });
  }
  output.info('adopted: the store is now authenticated to this identity');
}
