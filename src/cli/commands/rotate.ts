/** `devsecrets rotate [NAME...] [--seed HEX]` — fresh fakes, a new seed and a new expiry; `--identity` — a new age identity. */
import { randomBytes } from 'node:crypto';
import { DevsecretsError } from '../../core/errors.js';
import { rotateDocument } from '../../core/rotate-store.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { rotateIdentity } from '../../adapters/store-lifecycle.js';
import { updateStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';
import { parseSeed } from '../seed-option.js';

export interface RotateOptions {
  seed?: string;
  identity?: boolean;
}

export default async function rotate(context: CommandContext, names: string[], options: RotateOptions): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  if (options.identity) {
    if (names.length > 0 || options.seed !== undefined) {
      throw new DevsecretsError('USAGE', '--identity rotates the identity only; rotate values in a separate run', { hint: 'devsecrets rotate --identity' });
    }
    const { location } = await rotateIdentity(manifest, context.env);
    context.output.info(`the store is now encrypted to a new identity (${location === 'keychain' ? 'in the OS keychain' : 'identity file replaced'}); the old one no longer opens it`);
    return;
  }
  const seed = options.seed === undefined ? randomBytes(32) : parseSeed(options.seed);
  const { report, expiresAt } = await updateStore(manifest, context.env, ({ document }) => {
    const report = rotateDocument(document, manifest, names, seed, new Date());
    return { result: { report, expiresAt: document.expiresAt }, audit: { action: 'rotate', vars: [...report.changed, ...report.unchanged] } };
  });
  const { changed, unchanged } = report;
  if (changed.length > 0) context.output.info(`rotated: ${changed.join(', ')}`);
  else context.output.info(unchanged.length > 0 ? 'no value changed' : 'no generated values to rotate');
  if (unchanged.length > 0) {
    context.output.info(`${unchanged.length} regenerated value${unchanged.length === 1 ? '' : 's'} came out unchanged (a default, or a type with few values)`);
  }
  if (report.kept.length > 0) context.output.info(`kept values you set: ${report.kept.join(', ')} (name them to rotate them too)`);
  context.output.info(`the store now expires on ${expiresAt}`);
}
