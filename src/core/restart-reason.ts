/**
 * Why `run --watch` restarts its child, in words: which variables of its environment changed,
 * appeared or went away, and which watched files changed. Names and paths only: values are
 * compared here and never leave.
 */

/** The variables whose value differs between two environments, by kind. */
export interface EnvChanges {
  changed: string[];
  added: string[];
  removed: string[];
}

/** How many changed files a reason names before it only counts the others. */
const NAMED_FILES = 3;

/** Compares two child environments by name; values are compared, never returned. */
export function envChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): EnvChanges {
  const changes: EnvChanges = { changed: [], added: [], removed: [] };
  for (const [name, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, name)) changes.added.push(name);
    else if (before[name] !== value) changes.changed.push(name);
  }
  for (const name of Object.keys(before)) if (!Object.hasOwn(after, name)) changes.removed.push(name);
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

/** Whether any variable differs. */
export function hasEnvChanges(changes: EnvChanges): boolean {
  return changes.changed.length + changes.added.length + changes.removed.length > 0;
}

/**
 * The reason, as `SMTP_PORT, API_KEY changed; FLAG added; src/app.ts changed`: the variables by
 * kind, then the changed files (`files`, as they should be shown), the first few by name.
 * Empty when nothing differs.
 */
export function describeChanges(changes: EnvChanges, files: readonly string[]): string {
  const parts: string[] = [];
  if (changes.changed.length > 0) parts.push(`${changes.changed.join(', ')} changed`);
  if (changes.added.length > 0) parts.push(`${changes.added.join(', ')} added`);
  if (changes.removed.length > 0) parts.push(`${changes.removed.join(', ')} removed`);
  if (files.length > 0) {
    const named = files.slice(0, NAMED_FILES).join(', ');
    const more = files.length - NAMED_FILES;
    parts.push(more > 0 ? `${named} and ${more} more ${more === 1 ? 'file' : 'files'} changed` : `${named} changed`);
  }
  return parts.join('; ');
}
