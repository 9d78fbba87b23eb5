/**
 * Ignore verdicts outside a git repository, from the project's root `.gitignore` alone,
 * through the `ignore` package (which follows git's matching rules). The only importer of
 * `ignore`. Inside a repository git itself decides (see git.ts).
 */
import { join } from 'node:path';
import ignore from 'ignore';
import type { IgnoreVerdict } from '../core/doctor/index.js';
import { readTextIfExists } from './project-files.js';

/** Judges each project-relative path (folders end with `/`) against `<root>/.gitignore`. */
export function judgeByRootGitignore(root: string, paths: readonly string[]): Map<string, IgnoreVerdict> {
  const lines = (readTextIfExists(join(root, '.gitignore')) ?? '').split(/\r?\n/);
  // Each rule is marked with its line, so a verdict can name it as `git check-ignore -v` would.
  const matcher = ignore().add(lines.map((pattern, index) => ({ pattern, mark: String(index + 1) })));
  return new Map(paths.map((path): [string, IgnoreVerdict] => {
    const { ignored, rule } = matcher.checkIgnore(path);
    return [path, rule === undefined ? { ignored } : { ignored, rule: { source: '.gitignore', line: Number(rule.mark), pattern: rule.pattern } }];
  }));
}
