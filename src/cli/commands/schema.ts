/**
 * `devsecrets schema --format env-example|json-schema|dts [--out FILE]` — the manifest as a
 * file to commit: to stdout, or written to FILE (never over a file devsecrets did not
 * generate). No store needed, and no value of a secret ever written.
 */
import { relative, resolve } from 'node:path';
import { renderSchema, type SchemaFormat } from '../../core/schema/index.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { writeSchemaFile } from '../../adapters/schema-files.js';
import type { CommandContext } from '../context.js';

export interface SchemaOptions {
  format: SchemaFormat;
  out?: string;
}

export default async function schema(context: CommandContext, options: SchemaOptions): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const text = renderSchema(manifest.vars, options.format);
  if (options.out === undefined) {
    context.output.data(text);
    return;
  }
  const path = resolve(context.cwd, options.out);
  await writeSchemaFile(path, text, options.out);
  const count = Object.keys(manifest.vars).length;
  context.output.info(`wrote ${relative(context.cwd, path)} (${options.format}, ${count} variable${count === 1 ? '' : 's'}); commit it, and run this again after changing ${relative(context.cwd, manifest.path)}`);
}
