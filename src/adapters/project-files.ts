/**
 * The project files `init` writes besides the store: the manifest and the marked block in
 * `.gitignore`, from the templates shipped in the package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockRules, withDevsecretsBlock } from '../core/gitignore-block.js';
import { writeFileAtomic } from './fs-safe.js';

/** `templates/` of the installed package; the bundle lives in `dist/`, one level below the package root. */
const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

export function readTemplate(name: string): string {
  return readFileSync(join(TEMPLATES, name), 'utf8');
}

export function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Writes a new project file (not a secret: mode 0644). */
export async function writeProjectFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, Buffer.from(text, 'utf8'), 0o644);
}

/** The standard rules of the devsecrets block in `.gitignore`. */
export function templateIgnoreRules(): string[] {
  return readTemplate('gitignore-rules.txt').split('\n').filter((line) => line.trim() !== '');
}

/**
 * Makes sure `<root>/.gitignore` holds the devsecrets block with the template's rules,
 * keeping rules an earlier `doctor --fix` added to the block.
 * @returns whether the file changed.
 */
export async function ensureGitignoreBlock(root: string): Promise<boolean> {
  const path = join(root, '.gitignore');
  const existing = readTextIfExists(path) ?? '';
  const template = templateIgnoreRules();
  const rules = [...template, ...blockRules(existing).filter((rule) => !template.includes(rule))];
  const { text, changed } = withDevsecretsBlock(existing, rules);
  if (changed) await writeProjectFile(path, text);
  return changed;
}
