/**
 * Gitignore rules judged here, where git itself cannot be asked: outside a git repository,
 * the project's root `.gitignore` alone, and the walk of the project's tree it prunes; and
 * the staged `.devsecretsignore` files, which git reads only from the work tree. The
 * `ignore` package follows git's matching rules; this file is its only importer. Otherwise
 * git decides (see git.ts).
 *
 * Matching is case-sensitive, as git's is by default, except where git's default is
 * case-insensitive (`core.ignorecase` is set by `git init` on macOS and Windows).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { IgnoreVerdict } from '../core/doctor/index.js';
import { readTextIfExists } from './project-files.js';

/** Folders never walked: git's own, and dependencies (doctor ignores what is under them). */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);
/** The walk outside a repository stops after this many entries, so doctor stays fast anywhere. */
export const MAX_WALKED_ENTRIES = 50_000;

/** Whether git would match ignore rules case-insensitively on this platform by default. */
function defaultIgnoreCase(): boolean {
  return process.platform === 'darwin' || process.platform === 'win32';
}

/** The project's files outside a repository, as `listProjectFiles` found them. */
export interface ProjectWalk {
  /** Files (and symbolic links) relative to the root, `/`-separated, sorted. */
  files: string[];
  /** False when the walk stopped at its limit of entries. */
  complete: boolean;
}

/** The root `.gitignore` of a project, ready to judge paths. */
export class RootGitignore {
  readonly #matcher: Ignore;
  readonly #lines: readonly string[];
  readonly #ignorecase: boolean;

  /** Reads `<root>/.gitignore` (none counts as empty). */
  constructor(root: string, ignorecase = defaultIgnoreCase()) {
    this.#lines = (readTextIfExists(join(root, '.gitignore')) ?? '').split(/\r?\n/);
    this.#ignorecase = ignorecase;
    // Each rule is marked with its line, so a verdict can name it as `git check-ignore -v` would.
    this.#matcher = ignore({ ignorecase }).add(this.#lines.map((pattern, index) => ({ pattern, mark: String(index + 1) })));
  }

  /**
   * The verdict on each project-relative path (folders end with `/`), naming the rule that
   * decided it: the ignoring rule, or the negation that re-included the path.
   */
  judge(paths: readonly string[]): Map<string, IgnoreVerdict> {
    return new Map(paths.map((path): [string, IgnoreVerdict] => {
      const { ignored, unignored, rule } = this.#matcher.checkIgnore(path);
      if (rule !== undefined) return [path, { ignored, rule: { source: '.gitignore', line: Number(rule.mark), pattern: rule.pattern } }];
      const negation = unignored ? this.#negationOf(path) : undefined;
      return [path, negation === undefined ? { ignored } : { ignored, rule: negation }];
    }));
  }

  /**
   * The project's files, walked from `root` without following symbolic links. `.git` and
   * `node_modules` are not entered. In folders this `.gitignore` ignores only the files
   * `keepIgnored` accepts are listed (a file in an ignored folder is ignored whatever its
   * name, so only those that should not be need looking for). Stops after `limit` entries.
   */
  listProjectFiles(root: string, keepIgnored: (path: string) => boolean, limit = MAX_WALKED_ENTRIES): ProjectWalk {
    const files: string[] = [];
    const folders: { path: string; ignored: boolean }[] = [{ path: '', ignored: false }];
    let entries = 0;
    for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
      let listing;
      try {
        listing = readdirSync(join(root, folder.path), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of listing) {
        entries += 1;
        if (entries > limit) return { files: files.sort(), complete: false };
        const path = `${folder.path}${entry.name}`;
        if (entry.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(entry.name)) folders.push({ path: `${path}/`, ignored: folder.ignored || this.#matcher.ignores(`${path}/`) });
        } else if ((entry.isFile() || entry.isSymbolicLink()) && (!folder.ignored || keepIgnored(path))) {
          files.push(path);
        }
      }
    }
    return { files: files.sort(), complete: true };
  }

  /** The last negation matching `path`, which is the rule `git check-ignore -v` names for a re-included path. */
  #negationOf(path: string): IgnoreVerdict['rule'] {
    for (let index = this.#lines.length - 1; index >= 0; index -= 1) {
      const pattern = this.#lines[index]!;
      if (!pattern.startsWith('!')) continue;
      if (ignore({ ignorecase: this.#ignorecase }).add(pattern.slice(1)).ignores(path)) return { source: '.gitignore', line: index + 1, pattern };
    }
    return undefined;
  }
}

/**
 * A test for paths from the work tree's root against per-folder rule files in gitignore
 * syntax (`folder`: empty or ending with `/`), as `git ls-files --ignored
 * --exclude-per-directory` would apply them: each file's patterns are rebased onto its
 * folder and all go into one matcher, shallower files first, so that — the last match
 * winning — a deeper file overrides a shallower one, and a file inside an excluded folder
 * stays excluded.
 */
export function matchScanRules(files: readonly { folder: string; text: string }[], ignorecase: boolean): (path: string) => boolean {
  const depth = (folder: string): number => folder.split('/').length;
  const ordered = [...files].sort((a, b) => depth(a.folder) - depth(b.folder) || (a.folder < b.folder ? -1 : 1));
  const matcher = ignore({ ignorecase }).add(ordered.flatMap(({ folder, text }) => text.split(/\r?\n/).flatMap((line) => rebaseRule(folder, line))));
  return (path) => matcher.ignores(path);
}

/**
 * One gitignore line of the file in `folder`, as a line of a root-level file: a pattern
 * without a slash (but a trailing one) matches at any depth below its folder, one with a
 * slash is relative to it. Comments and blank lines give nothing.
 */
function rebaseRule(folder: string, line: string): string[] {
  if (line.startsWith('#') || line.trim() === '') return [];
  if (folder === '') return [line];
  const negative = line.startsWith('!');
  // Trailing spaces go, unless escaped, as git trims them; then a trailing slash only says "a folder".
  const body = (negative ? line.slice(1) : line).replace(/(?<!\\) +$/, '');
  const core = body.endsWith('/') ? body.slice(0, -1) : body;
  if (core === '') return [];
  const base = folder.replace(/[\\*?[]/g, '\\$&').replace(/^[#!]/, '\\$&');
  const rebased = core.includes('/') ? `${base}${body.replace(/^\//, '')}` : `${base}**/${body}`;
  return [`${negative ? '!' : ''}${rebased}`];
}
