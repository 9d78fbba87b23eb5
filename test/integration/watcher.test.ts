/**
 * The adapters of `run --watch` against real files and processes: the watcher reports a file
 * replaced by rename (as the store is written), deleted and created again, or not there yet;
 * globs report what they name and nothing in excluded, skipped or unrelated folders. The
 * process tree stop reaches grandchildren, and kills what outlives the grace period. And chokidar stays behind its one door, out of
 * everything a plain `run` loads.
 *
 * "Not reported" is shown with a sentinel: a reported write made after the unreported ones,
 * which would otherwise come first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnChild, type SpawnedChild } from '../../src/adapters/child-process.js';
import { stopProcessTree } from '../../src/adapters/process-tree.js';
import { watchFiles, type FileWatcher } from '../../src/adapters/watcher.js';
import { REPO, waitForDeath } from '../helpers/cli.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const watchers: FileWatcher[] = [];
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((watcher) => watcher.close()));
});

/** Starts a watcher and collects what it reports, with a way to wait for the next reports. */
async function watch(options: { files?: string[]; globs?: string[]; exclude?: string[] }): Promise<{ reported: string[]; next(count?: number): Promise<string[]>; watcher: FileWatcher }> {
  const reported: string[] = [];
  let waiting: (() => void) | undefined;
  const watcher = watchFiles({
    files: options.files ?? [],
    globs: options.globs ?? [],
    cwd: tmp(),
    exclude: options.exclude ?? [],
    onChange(path) {
      reported.push(path);
      waiting?.();
    },
    onError(error) {
      throw error;
    },
  });
  watchers.push(watcher);
  await watcher.ready;
  return {
    reported,
    watcher,
    next(count = 1) {
      const target = reported.length + count;
      return new Promise((resolve) => {
        waiting = () => {
          if (reported.length >= target) resolve(reported.slice(target - count, target));
        };
      });
    },
  };
}

/**
 * Writes `path` as the store is written: a temp file beside it, renamed over it. `stamp` sets a
 * modification time of its own: the kernel's clock moves in ticks of a few milliseconds, and
 * chokidar takes a file with the same time as unchanged.
 */
function replaceByRename(path: string, text: string, stamp?: number): void {
  writeFileSync(`${path}.tmp`, text);
  if (stamp !== undefined) utimesSync(`${path}.tmp`, 1_000_000 + stamp, 1_000_000 + stamp);
  renameSync(`${path}.tmp`, path);
}

describe('watchFiles', () => {
  it('reports a single file replaced by rename', async () => {
    const store = join(tmp(), 'store.age');
    writeFileSync(store, '0');
    const { next } = await watch({ files: [store] });

    const reported = next();
    replaceByRename(store, '1');
    expect(await reported).toEqual([store]);
  });

  it('still reports a single file after a burst of renames (chokidar loses a file it watches by itself)', async () => {
    const store = join(tmp(), 'store.age');
    writeFileSync(store, '0');
    const { next, reported } = await watch({ files: [store] });

    const first = next();
    for (let round = 1; round <= 20; round += 1) replaceByRename(store, String(round), round);
    await first;
    // Events of the burst may still come (chokidar drops some of a burst; the caller's debounce
    // then reads the files after it): the burst is over once none came for a while.
    for (let count = -1; count !== reported.length; ) {
      count = reported.length;
      await Promise.race([next(), new Promise((resolve) => setTimeout(resolve, 300))]);
    }
    const later = next();
    replaceByRename(store, 'later', 100);
    expect(await later).toEqual([store]);
  });

  it('reports a single file deleted and created again, and one that did not exist yet', async () => {
    const manifest = join(tmp(), 'devsecrets.json');
    const later = join(tmp(), 'later.txt');
    writeFileSync(manifest, '{}');
    const { next } = await watch({ files: [manifest, later] });

    let reported = next();
    rmSync(manifest);
    expect(await reported).toEqual([manifest]);
    reported = next();
    writeFileSync(manifest, '{}');
    expect(await reported).toEqual([manifest]);
    reported = next();
    writeFileSync(later, 'here');
    expect(await reported).toEqual([later]);
  });

  it('watches the files it is given now, and no longer those it was given before', async () => {
    const first = join(tmp(), 'first.txt');
    const second = join(tmp(), 'second.txt');
    writeFileSync(first, '0');
    writeFileSync(second, '0');
    const { next, watcher } = await watch({ files: [first] });

    watcher.setFiles([second]);
    const reported = next();
    writeFileSync(first, '1');
    writeFileSync(second, '1');
    expect(await reported).toEqual([second]);
  });

  it('reports the files a glob names, and nothing in node_modules, .git, an excluded folder or elsewhere', async () => {
    const dir = tmp();
    for (const folder of ['src/deep', 'node_modules/pkg', '.git', '.devsecrets', 'docs']) mkdirSync(join(dir, folder), { recursive: true });
    const { next, reported } = await watch({ globs: ['**/*.ts'], exclude: [join(dir, '.devsecrets')] });

    const sentinel = next();
    for (const file of ['node_modules/pkg/index.ts', '.git/hooks.ts', '.devsecrets/audit.ts', 'docs/readme.md', 'src/deep/app.js']) writeFileSync(join(dir, file), 'x');
    writeFileSync(join(dir, 'src/deep/app.ts'), 'x');
    expect(await sentinel).toEqual([join(dir, 'src/deep/app.ts')]);
    expect(reported).toEqual([join(dir, 'src/deep/app.ts')]);
  });

  it('takes a glob from the working folder, and a file glob names that file', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config/app.yml'), '0');
    writeFileSync(join(dir, 'config/other.yml'), '0');
    const { next } = await watch({ globs: ['./config/app.yml'] });

    const sentinel = next();
    writeFileSync(join(dir, 'config/other.yml'), '1');
    writeFileSync(join(dir, 'config/app.yml'), '1');
    expect(await sentinel).toEqual([join(dir, 'config/app.yml')]);
  });
});

describe('stopProcessTree', () => {
  /**
   * Spawns `node -e SOURCE` as `run --watch` spawns its child, and waits until the child has
   * written its ready file: the pid of a grandchild it started, or empty.
   */
  async function startNode(source: string): Promise<{ child: SpawnedChild; written: string }> {
    const ready = join(tmp(), `ready-${Math.random().toString(36).slice(2)}`);
    const child = await spawnChild(process.execPath, ['-e', source, ready], { PATH: process.env.PATH ?? '' });
    for (;;) {
      if (existsSync(ready)) return { child, written: readFileSync(ready, 'utf8') };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A child that ends with status 5 on SIGTERM, after starting a grandchild that ignores SIGTERM or not. */
  const withGrandchild = (stubborn: boolean): string => `
    const code = ${stubborn ? `"process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"` : "'setInterval(() => {}, 1000)'"};
    const grandchild = require('node:child_process').spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
    process.on('SIGTERM', () => process.exit(5));
    require('node:fs').writeFileSync(process.argv[1], String(grandchild.pid));
    setInterval(() => {}, 1000);
  `;

  it('sends the signal to the child and its grandchild, and returns how the child ended', async () => {
    const { child, written } = await startNode(withGrandchild(false));

    const outcome = await stopProcessTree(child, { signal: 'SIGTERM', graceMs: 10_000 });

    expect(outcome).toEqual({ kind: 'exited', status: 5 });
    await waitForDeath(Number(written), 1000);
  });

  it('kills a grandchild that outlives its grace period', async () => {
    const { child, written } = await startNode(withGrandchild(true));

    const outcome = await stopProcessTree(child, { signal: 'SIGTERM', graceMs: 300 });

    expect(outcome).toEqual({ kind: 'exited', status: 5 });
    // Resolved only once the grandchild was killed.
    await waitForDeath(Number(written), 1000);
  });

  it('kills a child that ignores the signal once the grace period is over', async () => {
    const { child } = await startNode("process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(process.argv[1], ''); setInterval(() => {}, 1000)");

    const outcome = await stopProcessTree(child, { signal: 'SIGTERM', graceMs: 200 });

    expect(outcome).toEqual({ kind: 'exited', status: 137 });
  });
});

describe('load boundaries of --watch', () => {
  it('imports chokidar in src/adapters/watcher.ts only', () => {
    const sources = (readdirSync(join(REPO, 'src'), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'));
    const importers = sources.filter((file) => /from 'chokidar'|import\('chokidar'\)/.test(readFileSync(join(REPO, 'src', file), 'utf8')));
    expect(importers).toEqual([join('adapters', 'watcher.ts')]);
  });

  it('keeps the watch loop, the watcher and chokidar out of the front door and plain run', async () => {
    for (const entry of ['src/cli/main.ts', 'src/cli/commands/run.ts']) {
      const result = await build({
        entryPoints: [join(REPO, entry)],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'silent',
        external: ['./program.js', 'keytar', 're2js'],
        outdir: tmp(),
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => /watch|process-tree|chokidar|readdirp/.test(input)), entry).toEqual([]);
    }
  });
});
