import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/adapters/age-cipher.js';
import { checkPermissions, writeFileAtomic, writeNewFileAtomic } from '../../src/adapters/fs-safe.js';
import {
  checkStorePermissions,
  ensureStoreDir,
  isValidStoreId,
  readStoreFile,
  readStoreMeta,
  removeStore,
  storePaths,
  withStoreLock,
  writeStoreFile,
  writeStoreMeta,
  type StoreMeta,
} from '../../src/adapters/store-files.js';
import { bundleForChild, makeTmpDir, modeOf, rejection, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();


async function sampleMeta(): Promise<StoreMeta> {
  const { recipient } = await generateKeyPair();
  return { format: 1, storeId: '2f1c6a4e-5b1d-4c55-9a57-0d8c2b6f9e10', recipient, createdAt: '2025-01-01T00:00:00.000Z', identity: 'keychain' };
}

describe('store layout', () => {
  it('names every store file under .devsecrets/', () => {
    const paths = storePaths('/project');
    expect(paths).toEqual({
      root: '/project',
      dir: '/project/.devsecrets',
      store: '/project/.devsecrets/store.age',
      meta: '/project/.devsecrets/store.json',
      gitignore: '/project/.devsecrets/.gitignore',
      lock: '/project/.devsecrets/lock',
      audit: '/project/.devsecrets/audit.log',
      auditHead: '/project/.devsecrets/audit.head',
    });
  });

  it('creates a private, self-ignoring folder, idempotently', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    await ensureStoreDir(root);
    const paths = storePaths(root);
    expect(await modeOf(paths.dir)).toBe(0o700);
    expect(await readFile(paths.gitignore, 'utf8')).toBe('*\n');
    expect(await readdir(paths.dir)).toEqual(['.gitignore']);
  });

  it('never creates a missing project root', async () => {
    const root = join(tmp(), 'missing-project');
    await expect(ensureStoreDir(root)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(root)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves an existing folder and .gitignore alone, for doctor to report', async () => {
    const root = tmp();
    const paths = storePaths(root);
    await mkdir(paths.dir, { mode: 0o755 });
    await chmod(paths.dir, 0o755);
    await writeFile(paths.gitignore, 'store.age\n');
    await ensureStoreDir(root);
    expect(await modeOf(paths.dir)).toBe(0o755);
    expect(await readFile(paths.gitignore, 'utf8')).toBe('store.age\n');
    expect(await checkStorePermissions(root)).toEqual([{ path: paths.dir, mode: 0o755, expected: 0o700 }]);
  });

  it('accepts store ids that are safe file names only', () => {
    expect(isValidStoreId('2f1c6a4e-5b1d-4c55-9a57-0d8c2b6f9e10')).toBe(true);
    expect(isValidStoreId('a_b-C9')).toBe(true);
    for (const bad of ['', '../x', 'a/b', '.hidden', '-flag', 'a b', 'x'.repeat(129), 'é']) expect(isValidStoreId(bad)).toBe(false);
  });
});

describe('atomic writes', () => {
  it('writes with mode 0600 and leaves no temp file', async () => {
    const path = join(tmp(), 'file');
    await writeFileAtomic(path, 'first');
    await chmod(path, 0o644);
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(await readFile(path)).toEqual(Buffer.from([1, 2, 3]));
    expect(await modeOf(path)).toBe(0o600);
    expect(await readdir(tmp())).toEqual(['file']);
  });

  it('honours an explicit mode exactly', async () => {
    const path = join(tmp(), 'public');
    await writeFileAtomic(path, 'x', 0o644);
    expect(await modeOf(path)).toBe(0o644);
  });

  it('removes its temp file and keeps the old file when the final step fails', async () => {
    const target = join(tmp(), 'target');
    await mkdir(join(target, 'occupied'), { recursive: true });
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readdir(tmp())).toEqual(['target']);
    expect(await readdir(target)).toEqual(['occupied']);
  });

  it('creates new files without ever replacing one', async () => {
    const path = join(tmp(), 'identity.txt');
    await writeNewFileAtomic(path, 'original');
    await expect(writeNewFileAtomic(path, 'replacement')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('original');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readdir(tmp())).toEqual(['identity.txt']);
  });

  it('leaves the old or the new file, never neither, when killed mid-write', async () => {
    const dir = tmp();
    const bundle = await bundleForChild('adapters/fs-safe', dir);
    const script = join(dir, 'writer.mjs');
    await writeFile(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(bundle)};
       const [a, b] = [Buffer.alloc(1 << 20, 'a'), Buffer.alloc(1 << 20, 'b')];
       process.stdout.write('ready\\n');
       for (let i = 0; ; i += 1) await writeFileAtomic(process.argv[2], i % 2 ? b : a);`,
    );
    const target = join(dir, 'store.age');
    await writeFile(target, Buffer.alloc(1 << 20, 'a'));
    for (let round = 0; round < 6; round += 1) {
      const child = spawn(process.execPath, [script, target], { stdio: ['ignore', 'pipe', 'inherit'] });
      await once(child.stdout, 'data');
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      child.kill('SIGKILL');
      await once(child, 'exit');
      const content = await readFile(target);
      expect(content.length).toBe(1 << 20);
      expect([Buffer.alloc(1 << 20, 'a'), Buffer.alloc(1 << 20, 'b')].some((expected) => expected.equals(content))).toBe(true);
    }
  });
});

describe('store and metadata files', () => {
  it('reports a missing store with a hint to run init', async () => {
    const error = await rejection(readStoreFile(tmp()));
    expect(error.code).toBe('STORE_MISSING');
    expect(error.message).toBe('no store at .devsecrets/store.age');
    expect(error.hint).toBe('run devsecrets init');
    expect(error.exitCode).toBe(4);
  });

  it('round-trips the store bytes with mode 0600', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    await writeStoreFile(root, new Uint8Array([9, 8, 7]));
    expect(await readStoreFile(root)).toEqual(Buffer.from([9, 8, 7]));
    expect(await modeOf(storePaths(root).store)).toBe(0o600);
  });

  it('round-trips the metadata with mode 0600', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    const meta = await sampleMeta();
    await writeStoreMeta(root, meta);
    expect(await readStoreMeta(root)).toEqual(meta);
    expect(await modeOf(storePaths(root).meta)).toBe(0o600);
    expect(JSON.parse(await readFile(storePaths(root).meta, 'utf8'))).toEqual(meta);
  });

  it('tells a missing store from missing metadata beside a store', async () => {
    const root = tmp();
    expect((await rejection(readStoreMeta(root))).code).toBe('STORE_MISSING');
    await ensureStoreDir(root);
    await writeStoreFile(root, new Uint8Array([1]));
    const error = await rejection(readStoreMeta(root));
    expect(error.code).toBe('STORE_UNREADABLE');
    expect(error.message).toMatch(/store\.json is missing/);
  });

  it('refuses garbled metadata, naming the field', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    const meta = await sampleMeta();
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /not valid JSON/],
      [[], /not an object/],
      [{ ...meta, format: 2 }, /format 2 is newer/],
      [{ ...meta, format: '1' }, /"format"/],
      [{ ...meta, storeId: '../../etc' }, /"storeId"/],
      [{ ...meta, recipient: 'age1notarecipient' }, /"recipient"/],
      [{ ...meta, createdAt: 'yesterday' }, /"createdAt"/],
      [{ ...meta, identity: 'somewhere' }, /"identity"/],
      [{ format: 1 }, /"storeId"/],
    ];
    for (const [content, message] of cases) {
      await writeFile(storePaths(root).meta, typeof content === 'string' ? content : JSON.stringify(content));
      const error = await rejection(readStoreMeta(root));
      expect(error.code).toBe('STORE_UNREADABLE');
      expect(error.message).toMatch(message);
      expect(error.hint).toBeTruthy();
    }
  });

  it('refuses to write invalid metadata', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    const error = await rejection(writeStoreMeta(root, { ...(await sampleMeta()), recipient: 'age1x' }));
    expect(error.code).toBe('STORE_UNREADABLE');
    await expect(stat(storePaths(root).meta)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes the whole store folder, idempotently', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    await writeStoreFile(root, new Uint8Array([1]));
    await removeStore(root);
    await removeStore(root);
    expect(await readdir(root)).toEqual([]);
  });

  it('lists files and folders looser than 0600/0700', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    const paths = storePaths(root);
    await writeStoreFile(root, new Uint8Array([1]));
    await writeStoreMeta(root, await sampleMeta());
    expect(await checkStorePermissions(root)).toEqual([]);
    await chmod(paths.store, 0o640);
    await chmod(paths.meta, 0o700);
    await chmod(paths.dir, 0o711);
    expect(await checkStorePermissions(root)).toEqual([
      { path: paths.dir, mode: 0o711, expected: 0o700 },
      { path: paths.store, mode: 0o640, expected: 0o600 },
      { path: paths.meta, mode: 0o700, expected: 0o600 },
    ]);
    expect(await checkPermissions([join(root, 'missing')])).toEqual([]);
  });
});

describe('store lock within one process', () => {
  it('serialises concurrent holders and releases the lock', async () => {
    const root = tmp();
    let active = 0;
    const order: string[] = [];
    const hold = (name: string) =>
      withStoreLock(root, async () => {
        active += 1;
        expect(active).toBe(1);
        order.push(`${name}:in`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push(`${name}:out`);
        active -= 1;
        return name;
      });
    expect(await Promise.all([hold('a'), hold('b'), hold('c')])).toEqual(['a', 'b', 'c']);
    for (let index = 0; index < order.length; index += 2) expect(order[index]!.split(':')[0]).toBe(order[index + 1]!.split(':')[0]);
    expect(await readdir(storePaths(root).dir)).toEqual(['.gitignore']);
  });

  it('releases the lock when the holder throws', async () => {
    const root = tmp();
    await expect(withStoreLock(root, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withStoreLock(root, async () => 'again', { timeoutMs: 100 })).toBe('again');
  });

  it('records the holder in the lock file', async () => {
    const root = tmp();
    await withStoreLock(root, async () => {
      const holder = JSON.parse(await readFile(storePaths(root).lock, 'utf8'));
      expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
      expect(await modeOf(storePaths(root).lock)).toBe(0o600);
    });
  });

  it('times out with STORE_LOCKED naming the holder pid', async () => {
    const root = tmp();
    await withStoreLock(root, async () => {
      // Rejected while this holder still holds the lock: the waiter gave up rather than took over.
      const error = await rejection(withStoreLock(root, async () => undefined, { timeoutMs: 200 }));
      expect(error.code).toBe('STORE_LOCKED');
      expect(error.message).toBe(`store is locked by another devsecrets process (pid ${process.pid})`);
      expect(error.hint).toContain(storePaths(root).lock);
    });
  });
});

describe('store lock across processes', () => {
  let bundle: string;
  let bundleDir: string;

  beforeAll(async () => {
    bundleDir = await makeTmpDir();
    bundle = await bundleForChild('adapters/store-files', bundleDir);
    await writeFile(
      join(bundleDir, 'holder.mjs'),
      `import { writeFileSync } from 'node:fs';
       import { withStoreLock } from ${JSON.stringify(bundle)};
       const [root, holdMs] = process.argv.slice(2);
       await withStoreLock(root, async () => {
         process.stdout.write('acquired\\n');
         await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
         writeFileSync(root + '/released-by-child', '');
       });`,
    );
    await writeFile(
      join(bundleDir, 'counter.mjs'),
      `import { openSync, closeSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
       import { withStoreLock } from ${JSON.stringify(bundle)};
       const [root, rounds] = process.argv.slice(2);
       for (let i = 0; i < Number(rounds); i += 1) {
         await withStoreLock(root, async () => {
           closeSync(openSync(root + '/inside', 'wx'));
           const count = Number(readFileSync(root + '/count', 'utf8'));
           await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
           writeFileSync(root + '/count', String(count + 1));
           unlinkSync(root + '/inside');
         }, { timeoutMs: 30000 });
       }`,
    );
  });

  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  function startHolder(root: string, holdMs: number): { child: ChildProcess; acquired: Promise<void>; exited: Promise<unknown> } {
    const child = spawn(process.execPath, [join(bundleDir, 'holder.mjs'), root, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    return { child, acquired: once(child.stdout!, 'data').then(() => undefined), exited: once(child, 'exit') };
  }

  async function runCounters(root: string, workers: number, rounds: number): Promise<void> {
    await writeFile(join(root, 'count'), '0');
    const children = Array.from({ length: workers }, () =>
      spawn(process.execPath, [join(bundleDir, 'counter.mjs'), root, String(rounds)], { stdio: 'inherit' }),
    );
    const codes = await Promise.all(children.map(async (child) => (await once(child, 'exit'))[0]));
    expect(codes).toEqual(children.map(() => 0));
    expect(await readFile(join(root, 'count'), 'utf8')).toBe(String(workers * rounds));
  }

  function deadPid(): number {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    if (pid === undefined) throw new Error('no pid');
    return pid;
  }

  async function writeLock(root: string, holder: object): Promise<void> {
    await ensureStoreDir(root);
    await writeFile(storePaths(root).lock, JSON.stringify(holder));
  }

  it('waits for another process to release the lock', async () => {
    const root = tmp();
    const { acquired, exited } = startHolder(root, 400);
    await acquired;
    // The holder marks its release just before letting go: inside our lock, the mark is there.
    await withStoreLock(root, async () => {
      await expect(stat(join(root, 'released-by-child'))).resolves.toBeTruthy();
    });
    await exited;
  });

  it('gives up with STORE_LOCKED naming the other process', async () => {
    const root = tmp();
    const { child, acquired, exited } = startHolder(root, 5000);
    await acquired;
    const error = await rejection(withStoreLock(root, async () => undefined, { timeoutMs: 300 }));
    expect(error.code).toBe('STORE_LOCKED');
    expect(error.message).toBe(`store is locked by another devsecrets process (pid ${child.pid})`);
    child.kill('SIGKILL');
    await exited;
  });

  it('takes over the lock of a process that was killed', async () => {
    const root = tmp();
    const { child, acquired, exited } = startHolder(root, 60_000);
    await acquired;
    child.kill('SIGKILL');
    await exited;
    // Within the timeout, or it would have been STORE_LOCKED: the dead holder's lock was taken over, not waited out.
    expect(await withStoreLock(root, async () => 'mine', { timeoutMs: 2000 })).toBe('mine');
    await expect(stat(storePaths(root).lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock left before the last boot', async () => {
    const root = tmp();
    const beforeBoot = new Date(Date.now() - uptime() * 1000 - 60_000).toISOString();
    await writeLock(root, { pid: process.pid, hostname: hostname(), createdAt: beforeBoot });
    expect(await withStoreLock(root, async () => 'mine', { timeoutMs: 500 })).toBe('mine');
  });

  it('never takes over a lock from another host, nor a fresh garbled one', async () => {
    const root = tmp();
    await writeLock(root, { pid: deadPid(), hostname: 'elsewhere.example', createdAt: new Date().toISOString() });
    const remote = await rejection(withStoreLock(root, async () => undefined, { timeoutMs: 100 }));
    expect(remote.message).toMatch(/\(pid \d+ on elsewhere\.example\)$/);
    // A holder writes its content right after creating the file: a garbled lock may be one being written.
    await writeFile(storePaths(root).lock, '');
    const garbled = await rejection(withStoreLock(root, async () => undefined, { timeoutMs: 100 }));
    expect(garbled.message).toBe('store is locked by another devsecrets process');
  });

  it('takes over a lock left garbled (a crash between creating it and writing its holder) once it is old', async () => {
    const root = tmp();
    await ensureStoreDir(root);
    await writeFile(storePaths(root).lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(storePaths(root).lock, old, old);
    expect(await withStoreLock(root, async () => 'mine', { timeoutMs: 500 })).toBe('mine');
  });

  it('keeps concurrent processes mutually exclusive', async () => {
    const root = tmp();
    await runCounters(root, 4, 15);
  });

  it('lets exactly one of several waiters break a stale lock at a time', async () => {
    const root = tmp();
    await writeLock(root, { pid: deadPid(), hostname: hostname(), createdAt: new Date().toISOString() });
    await runCounters(root, 6, 3);
    await expect(stat(`${storePaths(root).lock}.break`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
