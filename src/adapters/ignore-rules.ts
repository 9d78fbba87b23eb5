/**
 * Gitignore rules judged here, where git itself cannot be asked: outside a git repository,
 * the project's root `.gitignore` alone, and the walk of the project's tree it prunes. The
 * `ignore` package follows git's matching rules; this file is its only importer. Inside a
 * repository git decides (see git.ts).
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
export function defaultIgnoreCase(): boolean {
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
