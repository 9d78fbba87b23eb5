/**
 * Reading what the content checks scan: the work tree's copy of every tracked file, or
 * with `--staged` the index's blob of every staged file, each exempted by the
 * `.devsecretsignore` files of the same place. A fixed number of git processes whatever the
 * size of the tree (the file list, the `.devsecretsignore` list or, staged, their blobs and
 * `core.ignorecase`, and for the index one `cat-file --batch`); work-tree files are read
 * and scanned one at a time, so only one file is held in memory at once.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { scanText, type ContentFact, type ContentHit, type Needle } from '../core/doctor/index.js';
import { listScanExemptFiles, listStagedFiles, readIgnoreCase, readStagedBlobs, readStagedScanRules, type GitRepository } from './git.js';
import { matchScanRules } from './ignore-rules.js';

/** Larger files are not read: generated bundles, data and media, not hand-written config. */
const MAX_SCANNED_BYTES = 1024 * 1024;
/** A NUL byte this early marks a binary file, as git itself decides it. */
const BINARY_PROBE_BYTES = 8 * 1024;

export interface ContentOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  repository: Extract<GitRepository, { kind: 'repository' }>;
  /** Files in the index, relative to the root (the work-tree scan reads these). */
  tracked: readonly string[];
  /** Scan the staged blobs instead of the work tree. */
  staged: boolean;
  /** The secret values' forms to search for; undefined when none could be had. */
  needles: readonly Needle[] | undefined;
}

/**
 * Scans and counts.
 * @throws DevsecretsError `FAILURE` when git fails.
 */
export async function gatherContent(options: ContentOptions): Promise<ContentFact> {
  const { root, env, repository, staged } = options;
  const [isExempt, stagedPaths] = await Promise.all([
    staged ? stagedExemption(root, env, repository) : workTreeExemption(root, env),
    staged ? listStagedFiles(root, env) : Promise.resolve([]),
  ]);
  const hits: ContentHit[] = [];
  const skipped = { binary: 0, large: 0 };
  const scan = (path: string, content: Buffer): void => {
    if (content.length > MAX_SCANNED_BYTES) skipped.large += 1;
    else if (content.subarray(0, BINARY_PROBE_BYTES).includes(0)) skipped.binary += 1;
    else hits.push(...scanText(path, content.toString('utf8'), options.needles ?? []));
  };
  if (staged) {
    await readStagedBlobs(root, env, repository, stagedPaths.filter((path) => !isExempt(path)), scan);
  } else {
    readWorkTree(root, options.tracked.filter((path) => !isExempt(path)), scan, () => (skipped.large += 1));
  }
  hits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { kind: 'scanned', source: staged ? 'index' : 'work-tree', stagedPaths, hits, skipped, valuesSearched: options.needles !== undefined };
}

/** Which tracked files the work tree's `.devsecretsignore` files exempt, as git applies them. */
async function workTreeExemption(root: string, env: NodeJS.ProcessEnv): Promise<(path: string) => boolean> {
  const exempt = new Set(await listScanExemptFiles(root, env));
  return (path) => exempt.has(path);
}

/**
 * Which staged files the index's `.devsecretsignore` files exempt: the rules come from the
 * same place as the content judged, so a rule edited but not staged does not count.
 */
async function stagedExemption(root: string, env: NodeJS.ProcessEnv, repository: ContentOptions['repository']): Promise<(path: string) => boolean> {
  const rules = await readStagedScanRules(root, env, repository);
  if (rules.length === 0) return () => false;
  const matches = matchScanRules(rules, await readIgnoreCase(root, env));
  return (path) => matches(`${repository.prefix}${path}`);
}

/**
 * Reads each regular file; symbolic links are not followed (their target is scanned where
 * it is tracked), and files gone from the work tree are passed over. Synchronous on
 * purpose: for thousands of small files it is several times faster than promise-based
 * reads, and doctor has nothing else to do meanwhile.
 */
function readWorkTree(root: string, paths: readonly string[], scan: (path: string, content: Buffer) => void, tooLarge: () => void): void {
  for (const path of paths) {
    let fd: number;
    try {
      fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      continue;
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) continue;
      if (stats.size > MAX_SCANNED_BYTES) {
        tooLarge();
        continue;
      }
      const content = Buffer.allocUnsafe(stats.size);
      const length = readSync(fd, content, 0, stats.size, 0);
      scan(path, content.subarray(0, length));
    } finally {
      closeSync(fd);
    }
  }
}
