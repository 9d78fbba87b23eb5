/**
 * `devsecrets ls [--json]` — names, types, origins and masked values; never a secret value.
 * A variable with no stored value shows its manifest default (origin `default`), as `run`
 * uses it, or nothing (`missing`).
 */
import { defaultOf } from '../../core/build-child-env.js';
import { timeLeft } from '../../core/store-document.js';
import { maskValue } from '../../core/types/index.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import { openStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';

interface Row {
  name: string;
  type: string;
  secret: boolean;
  origin: string;
  value: string | null;
  updatedAt: string | null;
}

export default async function ls(context: CommandContext): Promise<void> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const { document } = await openStore(manifest.root, context.env);
  const names = [...new Set([...Object.keys(manifest.vars), ...Object.keys(document.vars)])].sort();
  const rows: Row[] = names.map((name) => {
    const spec = manifest.vars[name];
    const stored = document.vars[name];
    // A variable the manifest no longer declares is treated as secret: nothing says otherwise.
    const secret = spec === undefined || spec.secret === true;
    // What `run` uses when the store holds nothing (a secret never has a default): how a
    // loader-control variable's default, never copied into the store, shows up.
    const fallback = stored === undefined && spec !== undefined ? defaultOf(spec) : undefined;
    return {
      name,
      type: spec?.type ?? 'not in manifest',
      secret,
      origin: stored?.origin ?? (fallback === undefined ? 'missing' : 'default'),
      value: stored === undefined ? (fallback ?? null) : secret ? maskValue(stored.value) : stored.value,
      updatedAt: stored?.updatedAt ?? null,
    };
  });
  if (context.json) {
    context.output.json({ storeId: document.storeId, expiresAt: document.expiresAt, vars: rows });
    return;
  }
  const left = timeLeft(document, new Date());
  if (left === 'expired') context.output.warn(`the store expired on ${document.expiresAt}: devsecrets rotate renews it`);
  else context.output.info(`the store expires in ${left} (${document.expiresAt})`);
  const table = [['NAME', 'TYPE', 'ORIGIN', 'VALUE'], ...rows.map((row) => [row.name, row.secret ? `${row.type} (secret)` : row.type, row.origin, row.value ?? '-'])];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  context.output.data(table.map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n'));
}
