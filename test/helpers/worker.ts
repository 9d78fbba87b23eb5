/**
 * Runs a TypeScript module in a worker thread, bundled on the fly by esbuild, and returns
 * the first message it posts. For code that might spin for ever in synchronous code (a
 * regex that backtracks): it stalls the worker, never the thread vitest keeps time on, so
 * the test's own timeout still fails it. The worker is stopped when the test finishes.
 */
import { build } from 'esbuild';
import { Worker } from 'node:worker_threads';
import { onTestFinished } from 'vitest';
import { REPO } from './cli.js';

/** Starts `entry` (a path from the repository root) with `data` as its `workerData`. */
export async function runInWorker<T>(entry: string, data: unknown): Promise<T> {
  const bundle = await build({
    absWorkingDir: REPO,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
  });
  const worker = new Worker(bundle.outputFiles[0]!.text, { eval: true, workerData: data });
  onTestFinished(async () => {
    await worker.terminate();
  });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
}
