/**
 * Watching files for `run --watch`, through chokidar (v5: Node >= 20.19), the only importer of
 * it. Loaded only with `--watch`, so a plain `run` never reads it.
 *
 * Two kinds of targets: single files (the store, its metadata, the manifest, an identity file)
 * and `--watch-path` globs. A store is replaced by a rename, never written in place, and
 * chokidar, watching a file by itself, re-watches it by path after each new inode: after a
 * quick run of renames it reports nothing more for that file, ever (paulmillr/chokidar#601,
 * #1437; a test here shows it on v5). So a single file is watched through its folder, whose
 * watch sees every rename into it, the `ignored` filter keeping the folder's other entries out;
 * that also follows a file deleted and created again, or not there yet. chokidar still drops
 * some events of a burst (one within 5 ms of the last, or with the same modification time):
 * harmless, since the caller reloads only after a quiet moment and then reads the files as
 * they are. chokidar's `atomic` (its default without polling) turns an editor's
 * delete-and-recreate within 100 ms into one change. `awaitWriteFinish` is left off: it holds
 * every event until the size has been stable for a while (2 s by default), and the caller's
 * debounce already waits for a burst of writes to end.
 *
 * Globs are no longer chokidar's (v4 dropped them): each is watched from its folder, and the
 * `ignored` filter keeps chokidar out of folders that cannot hold a match, out of
 * `node_modules` and `.git` below the glob's folder, and out of the folders the caller
 * excludes (the store's: its audit log changes on every start, which would restart forever).
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import { compilePathGlob, type PathGlob } from '../core/path-glob.js';

/** Folders a glob never enters below its own folder: dependencies and git's own files. */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** What `watchFiles` watches, and whom it tells. */
export interface WatchOptions {
  /** Single files to watch, absolute; they may not exist yet. */
  files: readonly string[];
  /** `--watch-path` globs (see `compilePathGlob`), relative to `cwd` unless absolute. */
  globs: readonly string[];
  cwd: string;
  /** Absolute folders no glob reports anything inside (the single files still count). */
  exclude: readonly string[];
  /** Called with the absolute path of each file added, changed or removed. */
  onChange(path: string): void;
  /** Called when watching fails (a full inotify table, a folder that cannot be read). */
  onError(error: Error): void;
}

/** A running watch. */
export interface FileWatcher {
  /** Resolves once every target is watched: changes from then on are reported. */
  ready: Promise<void>;
  /** Replaces the single files reported (an identity file that moved); globs stay. */
  setFiles(files: readonly string[]): void;
  /** Stops watching; nothing is reported afterwards. */
  close(): Promise<void>;
}

/** A glob resolved against the working folder. */
interface WatchedGlob {
  root: string;
  glob: PathGlob;
}

/** Starts watching; see {@link WatchOptions}. */
export function watchFiles(options: WatchOptions): FileWatcher {
  let files = new Set(options.files.map((file) => resolve(file)));
  const folders = new Set([...files].map((file) => dirname(file)));
  const globs: WatchedGlob[] = options.globs.map((text) => {
    const glob = compilePathGlob(text);
    return { root: resolve(options.cwd, glob.base), glob };
  });
  const excluded = options.exclude.map((folder) => resolve(folder));
  const admitted = (path: string, kind: Kind): boolean => globs.some((entry) => globAdmits(entry, excluded, path, kind));

  const watcher = watch([...folders, ...globs.map((entry) => entry.root)], {
    ignoreInitial: true,
    atomic: true,
    awaitWriteFinish: false,
    // A single file's folder is watched, and the folders on the way to it (the store's, inside
    // the manifest's), but nothing else in them. A folder found at a single file's path is not
    // watched either: chokidar would track it as a folder, and then miss it turning back into a
    // file whenever its folder is read only after both changes (seen on a loaded machine).
    ignored: (path, stats) => {
      const absolute = resolve(path);
      const kind = stats === undefined ? 'unknown' : stats.isDirectory() ? 'folder' : 'file';
      if (kind === 'folder' && files.has(absolute)) return true;
      const towardsFile = kind !== 'file' && (folders.has(absolute) || [...files].some((file) => inside(file, absolute)));
      return !(files.has(absolute) || towardsFile || admitted(absolute, kind));
    },
  });
  const report = (path: string): void => {
    const absolute = resolve(path);
    if (files.has(absolute) || admitted(absolute, 'file')) options.onChange(absolute);
  };
  watcher.on('add', report).on('change', report).on('unlink', report);
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  const ready = new Promise<void>((resolvePromise) => watcher.once('ready', () => resolvePromise()));

  return {
    ready,
    setFiles(next) {
      files = new Set(next.map((file) => resolve(file)));
      // A folder no longer needed stays watched: the filter keeps what is in it out.
      const added = [...files].map((file) => dirname(file)).filter((folder) => !folders.has(folder));
      for (const folder of added) folders.add(folder);
      if (added.length > 0) watcher.add(added);
    },
    close: () => watcher.close(),
  };
}

/** What a path is known to be; chokidar asks about some paths before it has their stats. */
type Kind = 'file' | 'folder' | 'unknown';

/**
 * Whether `path` belongs to `entry`'s glob: its folder itself, a folder that may hold a match,
 * a matching file; an `unknown` path gets a folder's answer. Never anything in an excluded
 * folder, and never `node_modules` or `.git` below the glob's folder.
 */
function globAdmits(entry: WatchedGlob, excluded: readonly string[], path: string, kind: Kind): boolean {
  if (excluded.some((folder) => folder === path || inside(path, folder))) return false;
  if (path === entry.root) return true;
  if (!inside(path, entry.root)) return false;
  const below = relative(entry.root, path).split(sep);
  if (below.some((segment) => SKIPPED_FOLDERS.has(segment))) return false;
  const relativePath = below.join('/');
  return kind === 'file' ? entry.glob.matches(relativePath) : entry.glob.mayHoldMatch(relativePath);
}

/** Whether `path` lies strictly inside `folder`. */
function inside(path: string, folder: string): boolean {
  const below = relative(folder, path);
  return below !== '' && below !== '..' && !below.startsWith(`..${sep}`) && !isAbsolute(below);
}
