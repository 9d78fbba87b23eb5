/** `devsecrets rotate [NAME...] [--seed HEX]` — fresh fakes, a new seed and a new expiry. */
import { randomBytes } from 'node:crypto';
import { rotateDocument } from '../../core/rotate-store.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { updateStore } from '../../adapters/vault.js';
import type { CommandContext } from '../context.js';
import { parseSeed } from '../seed-option.js';

export interface RotateOptions {
  seed?: string;
}

export default async function rotate(context: CommandContext, names: string[], options: RotateOptions): Promise<void> {
  const seed = options.seed === undefined ? randomBytes(32) : parseSeed(options.seed);
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const { report, expiresAt } = await updateStore(manifest, context.env, ({ document }) => {
    const report = rotateDocument(document, manifest, names, seed, new Date());
    return { result: { report, expiresAt: document.expiresAt }, audit: { action: 'rotate', vars: report.rotated } };
  });
  context.output.info(report.rotated.length > 0 ? `rotated: ${report.rotated.join(', ')}` : 'no generated values to rotate');
  if (report.kept.length > 0) context.output.info(`kept values you set: ${report.kept.join(', ')} (name them to rotate them too)`);
  context.output.info(`the store now expires on ${expiresAt}`);
}
