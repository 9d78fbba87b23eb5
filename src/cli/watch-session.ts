/**
 * One `devsecrets run --watch`: the child, kept beside devsecrets and restarted when its
 * environment's sources change — the store, the manifest, an identity file — or a file a
 * `--watch-path` glob names.
 *
 * - Changes are debounced: a burst of writes ends in one restart. Every restart builds the
 *   environment again from the files as they are, with every check of `run`; an environment
 *   that is refused restarts nothing: its findings are printed (codes and names), the child
 *   keeps running, and the next valid change restarts it. A change that leaves the
 *   environment as it was restarts nothing either, unless a `--watch-path` file changed.
 * - A restart sends SIGTERM to the child and everything it started, gives them the grace
 *   period, then SIGKILL; the new child gets the new environment. Each restart says why, by
 *   name: `restarting (3): SMTP_PORT changed`. Values are never shown.
 * - A child that ends on its own leaves devsecrets waiting for a change. Then, and only then,
 *   `rs` + Enter restarts it by hand, when stdin is a terminal devsecrets has in the
 *   foreground: while a child runs the terminal is its own (a second reader would take some
 *   of its keystrokes: vite's shortcuts, `tsx watch`'s Enter, a REPL), and input that is not
 *   a terminal is the child's data.
 * - SIGINT, SIGTERM, SIGHUP and SIGQUIT stop the child and its descendants (a key typed in the
 *   terminal has already reached them and is not sent twice), with the same grace period, and
 *   devsecrets exits with the child's status (128+N when none runs). SIGUSR1 and SIGUSR2 are
 *   passed on to the child.
 * - Every start is recorded in the audit log, as `run` records its one.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import { DevsecretsError } from '../core/errors.js';
import { describeChanges, envChanges, hasEnvChanges } from '../core/restart-reason.js';
import { deliveredByTerminal, readsTerminal, spawnChild, type ChildOutcome, type SpawnedChild } from '../adapters/child-process.js';
import { identityFilePath } from '../adapters/identity.js';
import { signalProcessTree, stopProcessTree } from '../adapters/process-tree.js';
import { storePaths } from '../adapters/store-files.js';
import { watchFiles, type FileWatcher } from '../adapters/watcher.js';
import type { CommandContext } from './context.js';
import { childLaunch, childStatus, prepareRunEnvironment, recordRun, type RunEnvironment, type RunEnvironmentOptions } from './run-environment.js';

// Long enough to take a burst of writes (a rotation writes four files, a save of several
// files in an editor, a git checkout) as one, short enough that a restart feels immediate.
const DEBOUNCE_MS = 100;
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
const PASSED_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2'];

/** What a session needs beyond the environment's flags. */
export interface WatchSessionOptions extends RunEnvironmentOptions {
  /** `--watch-path` globs, relative to the working folder. */
  watchPath?: readonly string[];
  /** How long a stopped child and its descendants may take to end before SIGKILL. */
  graceMs: number;
}

/** A child that runs, and its stop once one was asked for. */
interface Running {
  child: SpawnedChild;
  stopping?: Promise<ChildOutcome>;
}

/**
 * One `run --watch` (see the module comment). `watch` first, so that no change is missed while
 * the first environment is read; then `run` with that environment.
 */
export class WatchSession {
  /** The seed of `--ephemeral` fakes, the same for every restart: only what changed changes. */
  readonly seed: Uint8Array | undefined;
  private readonly executable: string;
  private readonly args: string[];
  private readonly output: CommandContext['output'];
  /** What reloads read: the manifest found at the start, even if it is deleted (a parent folder's would be another project's). */
  private reloadContext: CommandContext;
  private watcher: FileWatcher | undefined;
  /** The environment of the child that runs (or ran last). */
  private current: RunEnvironment | undefined;
  private running: Running | undefined;
  private restarts = 0;
  /** The last reload was refused: the next valid one says so. */
  private refused = false;
  /** Files changed since the last reload, absolute. */
  private readonly pending = new Set<string>();
  private byHand = false;
  private timer: NodeJS.Timeout | undefined;
  /** The start or reload in progress, if any: one at a time. */
  private busy: Promise<void> | undefined;
  /** The signal that stops devsecrets, once one came. */
  private stopping: NodeJS.Signals | undefined;
  private stopInput: (() => void) | undefined;
  private finish: ((status: number) => void) | undefined;
  private fail: ((error: unknown) => void) | undefined;

  constructor(
    private readonly context: CommandContext,
    command: string[],
    private readonly options: WatchSessionOptions,
  ) {
    [this.executable, ...this.args] = command as [string, ...string[]];
    this.output = context.output;
    this.reloadContext = context;
    this.seed = options.ephemeral ? randomBytes(32) : undefined;
  }

  /** Starts watching the manifest (when there is one), the store under `root` and the globs. */
  watch(manifestPath: string | undefined, root: string): void {
    this.watcher = watchFiles({
      files: this.sources(manifestPath, root, undefined),
      globs: this.options.watchPath ?? [],
      cwd: this.context.cwd,
      exclude: [storePaths(root).dir],
      onChange: (path) => this.changed(path),
      onError: (error) => this.output.warn(`could not watch every file (${(error as NodeJS.ErrnoException).code ?? error.message}); changes there go unnoticed`),
    });
  }

  /** Stops watching (the first environment was refused, or devsecrets stops). */
  async close(): Promise<void> {
    await this.watcher?.close();
  }

  /**
   * Starts the first child with `environment`, then restarts it until a signal stops devsecrets.
   * @returns the last child's exit status (128+N when signal N ended it), 128+N for the signal
   *   that stopped devsecrets while no child ran, 127 or 126 when the command cannot be started
   * @throws what is not a refusal (a bug), at once, while the child and the watcher are being stopped
   */
  async run(environment: RunEnvironment): Promise<number> {
    this.reloadContext = { ...this.context, manifestPath: environment.manifest.path };
    this.watcher!.setFiles(this.sources(environment.manifest.path, environment.manifest.root, environment));
    await this.watcher!.ready;
    this.output.info(`watching ${this.watchedText(environment)}; ${this.executable} restarts when they change`);
    const onStop = (signal: NodeJS.Signals): void => void this.shutdown(signal).catch((error: unknown) => this.fail?.(error));
    const onPass = (signal: NodeJS.Signals): void => void this.running?.child.kill(signal);
    for (const signal of STOP_SIGNALS) process.on(signal, onStop);
    for (const signal of PASSED_SIGNALS) process.on(signal, onPass);
    try {
      return await new Promise<number>((resolvePromise, rejectPromise) => {
        this.finish = resolvePromise;
        // A bug, not a refusal: reported at once, while the child and the watcher are stopped.
        this.fail = (error) => {
          rejectPromise(error);
          // The first failure is the one reported; a second while stopping would only hide it.
          this.shutdown('SIGTERM').catch(() => undefined);
        };
        // Set with the first start, not before: changes reported until then wait for it (see `flush`).
        this.current = environment;
        this.track(this.start(environment, true));
      });
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onStop);
      for (const signal of PASSED_SIGNALS) process.off(signal, onPass);
    }
  }

  /** The files the environment is read from: manifest, store and its metadata, and an identity file. */
  private sources(manifestPath: string | undefined, root: string, environment: RunEnvironment | undefined): string[] {
    const files = manifestPath === undefined ? [] : [manifestPath];
    if (this.options.ephemeral) return files;
    const paths = storePaths(root);
    files.push(paths.store, paths.meta);
    const identity = identityFileOf(environment, this.context.env);
    if (identity !== undefined) files.push(identity);
    return files;
  }

  private watchedText(environment: RunEnvironment): string {
    const watched = [this.show(environment.manifest.path)];
    if (environment.store !== undefined) watched.push('the store');
    if (identityFileOf(environment, this.context.env) !== undefined) watched.push('the identity file');
    watched.push(...(this.options.watchPath ?? []));
    return watched.join(', ');
  }

  /** A path as the person sees it: relative to the working folder when inside it, else absolute. */
  private show(path: string): string {
    const shown = relative(this.context.cwd, path);
    return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown;
  }

  private changed(path: string): void {
    if (this.stopping !== undefined) return;
    this.pending.add(path);
    this.debounce();
  }

  private debounce(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  /**
   * Starts a reload of what changed, unless one runs (it looks again when it is done) or the
   * first start has not begun: a change while the first environment is read would otherwise
   * reload beside that start, and could spawn a second child that nothing tracks or stops.
   */
  private flush(): void {
    if (this.busy !== undefined || this.stopping !== undefined || this.current === undefined) return;
    if (this.pending.size === 0 && !this.byHand) return;
    const files = [...this.pending];
    const byHand = this.byHand;
    this.pending.clear();
    this.byHand = false;
    this.track(this.reload(files, byHand));
  }

  /** Makes `work` the one in progress; changes that came meanwhile get their own debounce afterwards. */
  private track(work: Promise<void>): void {
    this.busy = work.catch((error: unknown) => this.fail?.(error)).finally(() => {
      this.busy = undefined;
      if (this.stopping === undefined && (this.pending.size > 0 || this.byHand)) this.debounce();
    });
  }

  /** Builds the environment again, and restarts the child with it when it is valid and something changed. */
  private async reload(files: string[], byHand: boolean): Promise<void> {
    let next: RunEnvironment;
    try {
      next = await prepareRunEnvironment(this.reloadContext, this.executable, this.options, this.seed);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      this.refused = true;
      this.output.error(refusal);
      this.output.info(this.running === undefined ? 'waiting for a valid change' : `${this.executable} keeps running with its current environment; waiting for a valid change`);
      return;
    }
    if (this.stopping !== undefined) return;
    const sources = this.sources(next.manifest.path, next.manifest.root, next);
    this.watcher!.setFiles(sources);
    const changes = envChanges(this.current!.child.env, next.child.env);
    const changedFiles = files.map((file) => this.show(file)).sort();
    const watchedFiles = files.filter((file) => !sources.includes(file)).map((file) => this.show(file)).sort();
    this.current = next;
    const refusedBefore = this.refused;
    this.refused = false;
    if (this.running !== undefined && !byHand && !hasEnvChanges(changes) && watchedFiles.length === 0) {
      this.output.info(`${changedFiles.join(', ')} changed; ${refusedBefore ? 'valid again, and ' : ''}the environment is unchanged: no restart`);
      return;
    }
    this.restarts += 1;
    const reason = byHand ? 'rs typed' : describeChanges(changes, watchedFiles) || `${changedFiles.join(', ')} changed`;
    this.output.info(`restarting (${this.restarts}): ${reason}`);
    if (this.running !== undefined) await this.stopRunning('SIGTERM');
    if (this.stopping !== undefined) return;
    await this.start(next, false);
  }

  /** Spawns the child with `environment` and records it; when it cannot start, the first ends devsecrets. */
  private async start(environment: RunEnvironment, first: boolean): Promise<void> {
    this.stopInput?.();
    const launch = await childLaunch(environment, this.options.redact);
    const child = await spawnChild(this.executable, this.args, launch.env, launch.options);
    if (child.pid === undefined) {
      const status = childStatus(this.output, await child.outcome, this.executable);
      if (!first) {
        this.wait(status);
        return;
      }
      this.stopping = 'SIGTERM';
      await this.close();
      this.finish!(status);
      return;
    }
    const running: Running = { child };
    this.running = running;
    void child.outcome.then((outcome) => this.ended(running, outcome));
    // Written while the child starts, as plain `run` on Node 20 does.
    await recordRun(this.context, environment, this.executable);
  }

  /** A child ended: on its own, devsecrets waits for a change; stopped, whoever stopped it goes on. */
  private ended(running: Running, outcome: ChildOutcome): void {
    if (running.stopping !== undefined || this.running !== running) return;
    this.running = undefined;
    if (this.stopping === undefined) this.wait(childStatus(this.output, outcome, this.executable));
  }

  /** Says that no child runs, and reads `rs` from the terminal until one does. */
  private wait(status: number): void {
    void readsTerminal().then((terminal) => {
      if (this.stopping !== undefined || this.running !== undefined) return;
      this.output.info(`${this.executable} exited with ${status}; waiting for a change${terminal ? ' (or type rs + Enter)' : ''}`);
      if (terminal && this.stopInput === undefined) this.readRestarts();
    });
  }

  /** Reads lines from the terminal: `rs` restarts at once. Stopped when a child starts. */
  private readRestarts(): void {
    let line = '';
    const onData = (chunk: Buffer): void => {
      const lines = (line + chunk.toString('utf8')).split('\n');
      line = lines.pop()!;
      if (lines.some((typed) => typed.trim() === 'rs')) {
        this.byHand = true;
        this.flush();
      }
    };
    process.stdin.on('data', onData);
    this.stopInput = () => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      this.stopInput = undefined;
    };
  }

  /** Stops the running child and what it started; a second call gets the same stop. */
  private stopRunning(signal: NodeJS.Signals | undefined): Promise<ChildOutcome> {
    const running = this.running!;
    running.stopping ??= stopProcessTree(running.child, { signal, graceMs: this.options.graceMs }).then((outcome) => {
      if (this.running === running) this.running = undefined;
      return outcome;
    });
    return running.stopping;
  }

  /**
   * A stop signal: the child and its descendants get it once (not when the terminal already
   * sent it), then devsecrets ends with the child's status, or 128+N when none runs.
   */
  private async shutdown(signal: NodeJS.Signals): Promise<void> {
    const running = this.running;
    const delivered = running?.child.pid !== undefined && (await deliveredByTerminal(signal, running.child.pid));
    if (this.stopping !== undefined) {
      // Another signal while stopping reaches them as a signal to their group would.
      if (running !== undefined && !delivered) signalProcessTree(running.child, signal);
      return;
    }
    this.stopping = signal;
    clearTimeout(this.timer);
    this.stopInput?.();
    const closing = this.close();
    let outcome: ChildOutcome | undefined;
    if (this.running !== undefined) outcome = await this.stopRunning(delivered ? undefined : signal);
    await this.busy;
    // A child spawned while the stop began is stopped too.
    if (this.running !== undefined) outcome = await this.stopRunning('SIGTERM');
    await closing;
    this.finish?.(outcome === undefined ? 128 + (constants.signals[signal] ?? 0) : childStatus(this.output, outcome, this.executable));
  }
}

/**
 * A reload's failure as a refusal to restart: devsecrets' own errors, and a file that cannot
 * be read as it is now (a folder in its place, permissions being changed), named by its path
 * and error code, which hold no value. Anything else is a bug: undefined.
 */
function refusalOf(error: unknown): DevsecretsError | undefined {
  if (error instanceof DevsecretsError) return error;
  const { code, path } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string') return undefined;
  return new DevsecretsError('FAILURE', `could not read ${path ?? 'a file the environment is built from'} (${code})`);
}

/** The identity file an environment's store was opened with; undefined for a keychain identity or no store. */
function identityFileOf(environment: RunEnvironment | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const meta = environment?.store?.meta;
  return meta === undefined ? undefined : identityFilePath(meta.storeId, meta.identity, env);
}
