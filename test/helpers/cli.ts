/**
 * The e2e harness: runs the built CLI (`bin/devsecrets.js` → `dist/cli.cjs`) in a fresh
 * temporary git repository with a clean environment, the way a user would in a terminal.
 *
 * Every project gets its own temporary HOME (holding DEVSECRETS_HOME and TMPDIR), and the
 * environment carries only PATH, HOME, LANG, DEVSECRETS_HOME, TMPDIR and what a test adds.
 * There is no D-Bus variable, so no OS keychain answers and the identity goes to the
 * fallback file: that is the "no D-Bus at all" path.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `bin/devsecrets.js` lives. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'devsecrets.js');

export interface RunResult {
  /** The exit status, or 128+N when the process died of signal N. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text written to the CLI's stdin (stdin is closed afterwards; always a pipe, never a TTY). */
  input?: string;
  /** Variables added to (or, when undefined, removed from) the project's clean environment. */
  env?: Record<string, string | undefined>;
  /** Working folder; the project folder by default. */
  cwd?: string;
  /**
   * Execute bin/devsecrets.js itself, through its `#!` line, as the installed `devsecrets`
   * command runs, instead of `node bin/devsecrets.js`.
   */
  shebang?: boolean;
}

export interface Project {
  /** The project root (a git repository). */
  dir: string;
  /** The temporary HOME. */
  home: string;
  /** The folder DEVSECRETS_HOME points at. */
  devsecretsHome: string;
  /** The clean environment every run starts from; tests may add to it. */
  env: Record<string, string>;
  /** Runs `devsecrets ARGS…` synchronously. */
  run(args: readonly string[], options?: RunOptions): RunResult;
  /** Starts `devsecrets ARGS…` without waiting (signal tests). */
  start(args: readonly string[], options?: RunOptions): ChildProcessWithoutNullStreams;
  /** A path inside the project. */
  path(...parts: string[]): string;
  /** Reads a project file as text. */
  read(...parts: string[]): string;
  /** Writes a project file (parents created). */
  write(relativePath: string, text: string): void;
  /** Reads devsecrets.json as an object. */
  manifest(): ManifestJson;
  /** Replaces devsecrets.json. */
  writeManifest(manifest: object): void;
  /** The fallback identity file of this project's store, from .devsecrets/store.json. */
  identityFile(): string;
  cleanup(): void;
}

export interface ManifestJson {
  [key: string]: unknown;
  vars: Record<string, Record<string, unknown>>;
}

export interface CreateProjectOptions {
  /** Written as devsecrets.json; no manifest when absent. */
  manifest?: object;
  /** Extra files, by path relative to the project root. */
  files?: Record<string, string>;
  /** Run `git init -q` in the project (default true). */
  git?: boolean;
}

/**
 * A manifest using most types, without a private key (keygen is slow) — the shape of
 * DESIGN.md's example. Tokens are 32 characters including the `sk_test_` prefix.
 */
export const STANDARD_MANIFEST = {
  version: 1,
  ttl: '30d',
  forbid: ['*.prod.example.com', '/sk_live_[A-Za-z0-9]+/'],
  vars: {
    DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true },
    STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 32, secret: true },
    SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
    API_TIMEOUT: { type: 'int', min: 1, max: 120, default: 30 },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn', 'error'], default: 'info' },
    PORT: { type: 'port' },
    ADMIN_EMAIL: { type: 'email' },
  },
} as const;

const projects = new Set<Project>();

/** A project with `manifest` (the standard one by default) and a store `devsecrets init` made; throws with init's stderr when init fails. */
export function initialisedProject(manifest: object = STANDARD_MANIFEST): Project {
  const project = createProject({ manifest });
  const init = project.run(['init']);
  if (init.code !== 0) throw new Error(`devsecrets init exited with ${init.code}\n${init.stderr}`);
  return project;
}

/** Creates a project in a fresh temporary folder, with its own temporary HOME. */
export function createProject(options: CreateProjectOptions = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'devsecrets-e2e-'));
  const home = mkdtempSync(join(tmpdir(), 'devsecrets-e2e-home-'));
  const devsecretsHome = join(home, 'devsecrets');
  const tmp = join(home, 'tmp');
  mkdirSync(tmp);
  const env: Record<string, string> = {
    // `node` must resolve to the Node running the tests, as it would for a user.
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
    HOME: home,
    LANG: 'C.UTF-8',
    DEVSECRETS_HOME: devsecretsHome,
    TMPDIR: tmp,
  };
  if (options.git !== false) {
    const git = spawnSync('git', ['init', '-q'], { cwd: dir, env, encoding: 'utf8' });
    if (git.status !== 0) throw new Error(`git init failed: ${git.stderr}`);
  }
  if (options.manifest !== undefined) writeFileSync(join(dir, 'devsecrets.json'), `${JSON.stringify(options.manifest, null, 2)}\n`);
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }

  const project: Project = {
    dir,
    home,
    devsecretsHome,
    env,
    run: (args, runOptions = {}) => runCli(args, { cwd: dir, ...runOptions, env: mergeEnv(env, runOptions.env) }),
    start: (args, runOptions = {}) => startCli(args, { cwd: dir, ...runOptions, env: mergeEnv(env, runOptions.env) }),
    path: (...parts) => join(dir, ...parts),
    read: (...parts) => readFileSync(join(dir, ...parts), 'utf8'),
    write(relativePath, text) {
      mkdirSync(dirname(join(dir, relativePath)), { recursive: true });
      writeFileSync(join(dir, relativePath), text);
    },
    manifest: () => JSON.parse(readFileSync(join(dir, 'devsecrets.json'), 'utf8')) as ManifestJson,
    writeManifest(manifest) {
      writeFileSync(join(dir, 'devsecrets.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    },
    identityFile() {
      const meta = JSON.parse(readFileSync(join(dir, '.devsecrets', 'store.json'), 'utf8')) as { storeId: string };
      return join(devsecretsHome, 'identities', `${meta.storeId}.txt`);
    },
    cleanup() {
      projects.delete(project);
      for (const folder of [dir, home]) {
        // A test may have removed permissions; give them back so rm can remove everything.
        try {
          chmodSync(folder, 0o700);
        } catch {
          // already gone
        }
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
  projects.add(project);
  return project;
}

/**
 * Removes every project created so far but those in `keep`. Usable as is in
 * `afterEach(cleanupProjects)` (the test context it then receives is no project).
 */
export function cleanupProjects(...keep: unknown[]): void {
  for (const project of [...projects]) if (!keep.includes(project)) project.cleanup();
}

function mergeEnv(base: Record<string, string>, extra: Record<string, string | undefined> | undefined): Record<string, string> {
  const env = { ...base };
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs the CLI synchronously; the exit code is 128+N when it died of signal N. */
export function runCli(args: readonly string[], options: { cwd: string; env: Record<string, string>; input?: string; shebang?: boolean }): RunResult {
  const [file, argv] = options.shebang === true ? [BIN, args] : [process.execPath, [BIN, ...args]];
  const result = spawnSync(file, argv, {
    cwd: options.cwd,
    env: options.env,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { code: statusOf(result.status, result.signal), stdout: result.stdout, stderr: result.stderr };
}

function startCli(args: readonly string[], options: { cwd: string; env: Record<string, string> }): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: 'pipe' });
}

/** `status`, or 128+N for signal N, the way a shell reports it. */
export function statusOf(status: number | null, signal: NodeJS.Signals | null): number {
  if (status !== null) return status;
  return 128 + (signal === null ? 0 : constants.signals[signal]);
}

/** Waits for a started process to end, collecting its output. */
export function waitForExit(child: ChildProcessWithoutNullStreams): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ code: statusOf(status, signal), stdout, stderr }));
  });
}

/** Resolves once `text` has appeared on the process's stdout (rejects after `timeoutMs`). */
export function waitForOutput(child: ChildProcessWithoutNullStreams, text: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.stdout.off('data', onData);
      reject(new Error(`timed out waiting for ${JSON.stringify(text)} (stdout so far: ${JSON.stringify(seen)})`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
  });
}

/** Every regular file under `root`, recursively (symlinks are not followed). */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** The permission bits of a file or folder, e.g. 0o600. */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** A JavaScript program for `node -e`, written as a function so it reads as code. */
export function script(source: string): string[] {
  return [process.execPath, '-e', source];
}

/**
 * Whether a tool some tests need (the `age` CLI, `script`, a D-Bus session with a Secret
 * Service) is here; the tests skip themselves without it. Under DEVSECRETS_TEST_STRICT=1,
 * as CI runs them, a missing tool fails the run instead, so no test is skipped unseen.
 */
export function available(what: string, present: boolean): boolean {
  if (!present && process.env.DEVSECRETS_TEST_STRICT === '1') {
    throw new Error(`${what} is required under DEVSECRETS_TEST_STRICT=1 (see .ci/run), and is missing`);
  }
  return present;
}

/** Every step of `rotate --identity` at which DEVSECRETS_FAILPOINT can kill it, in order. */
export const ROTATE_IDENTITY_FAILPOINTS = [
  'rotate-identity:pending-saved',
  'rotate-identity:both-recipients',
  'rotate-identity:read-back',
  'rotate-identity:identity-replaced',
  'rotate-identity:meta-written',
  'rotate-identity:store-written',
] as const;

/**
 * How `devsecrets run` starts its child on the Node running the tests: `exec` where the
 * runtime has process.execve (devsecrets becomes the child), `spawn` elsewhere. CI runs the
 * e2e tests on both and names the mode each pass must see in DEVSECRETS_TEST_RUN_MODE, so a
 * pass on an unexpected Node fails instead of leaving the other mode's tests skipped unseen.
 */
export function runMode(): 'exec' | 'spawn' {
  const mode = typeof (process as { execve?: unknown }).execve === 'function' ? 'exec' : 'spawn';
  const expected = process.env.DEVSECRETS_TEST_RUN_MODE;
  if (expected !== undefined && expected !== mode) {
    throw new Error(`this pass must test run's ${expected} mode (DEVSECRETS_TEST_RUN_MODE), but Node ${process.version} has run ${mode} its child`);
  }
  return mode;
}

/** Whether util-linux `setpriv` can set a parent-death signal here (found as `devsecrets run` finds it). */
export function hasDeathSignalWrapper(): boolean {
  if (process.platform !== 'linux') return false;
  const file = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));
  return file !== undefined && readFileSync(file).includes('pdeathsig');
}

/**
 * Resolves once process `pid` has died (gone, or a zombie waiting for whoever adopted it to
 * reap it); rejects when it is still alive after `timeoutMs`.
 */
export async function waitForDeath(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still alive after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    // No /proc (macOS): signal 0 reached it, so it is there.
    return true;
  }
}
