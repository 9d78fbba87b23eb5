/** `devsecrets import FILE [--delete]` — move values from a plaintext dotenv file into the store. */
import { resolve } from 'node:path';
import { DevsecretsError, type Issue } from '../../core/errors.js';
import { evaluateValue } from '../../core/evaluate.js';
import { checkDeletable, deleteEnvFile, readEnvFileValues } from '../../adapters/env-file.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { openStore, updateStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';

export interface ImportOptions {
  delete?: boolean;
}

export default async function importFile(context: CommandContext, file: string, options: ImportOptions): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const path = resolve(context.cwd, file);
  const values = readEnvFileValues(path);
  if (options.delete) checkDeletable(path, file);
  const names = Object.keys(values);
  if (names.length === 0) throw new DevsecretsError('FAILURE', `${file} defines no variables`, { hint: 'nothing was imported' });
  const unknown = names.filter((name) => !(name in manifest.vars));
  if (unknown.length > 0) {
    throw new DevsecretsError('UNKNOWN_VAR', `${file} defines variables the manifest does not declare: ${unknown.join(', ')}`, {
      hint: 'declare them in the manifest, or remove them from the file; nothing was imported',
    });
  }
  const invalid: Issue[] = [];
  const insecure: Issue[] = [];
  for (const name of names) {
    const verdict = evaluateValue(manifest, name, manifest.vars[name]!, values[name]!);
    if (verdict.invalid) invalid.push(verdict.invalid);
    if (verdict.insecure) insecure.push(verdict.insecure);
  }
  if (invalid.length + insecure.length > 0) {
    throw new DevsecretsError(insecure.length > 0 ? 'INSECURE_VALUE' : 'VALIDATION_FAILED', `nothing imported: ${file} holds values the manifest refuses`, {
      issues: [...insecure, ...invalid],
      hint: 'fix those values in the file (or drop them) and import again',
    });
  }
  await updateStore(manifest, context.env, ({ document }) => {
    const now = new Date().toISOString();
    for (const name of names) document.vars[name] = { value: values[name]!, origin: 'imported', updatedAt: now };
    return { result: undefined, audit: { action: 'import', vars: names } };
  });
  context.output.info(`imported ${names.length} variable${names.length === 1 ? '' : 's'}: ${names.join(', ')}`);
  if (!options.delete) {
    context.output.warn(`${file} still holds the values in plaintext; delete it (or rerun with --delete) once you no longer need it`);
    return;
  }
  // The plaintext goes only once the store is proven to hold every value.
  const { document } = await openStore(manifest.root, context.env);
  const lost = names.filter((name) => document.vars[name]?.value !== values[name]);
  if (lost.length > 0) {
    throw new DevsecretsError('FAILURE', `kept ${file}: the store read back does not hold ${lost.join(', ')}`, { hint: 'rerun devsecrets import' });
  }
  deleteEnvFile(path);
  context.output.info(`deleted ${file}`);
}
