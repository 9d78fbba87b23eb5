/**
 * Starting the child of `devsecrets run`: no shell, the environment given and nothing else,
 * in one of two ways the caller chooses:
 *
 * - `execChild` becomes the child (`process.execve`, Node >= 22.15): one process, so the
 *   terminal's signals, the pid and the exit status are the child's own, and no orphan can
 *   be left behind.
 * - `runChild` spawns the child and stays beside it, for a Node without execve and for
 *   callers that need a parent: it forwards the signals sent to devsecrets alone, makes the
 *   child die with it where Linux allows, and turns the child's fate into an exit status
 *   the way a shell does (128+N on signal N).
 * - `spawnChild` spawns it the same way and hands it back, for a caller that handles the
 *   signals itself (`run --watch`, which restarts it).
 *
 * Either way the command is looked up as execvp(3) does, before anything starts, so a
 * missing command is reported as such (127) and one that cannot be executed too (126).
 */
import { accessSync, closeSync, constants as fsConstants, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { StdioOptions } from 'node:child_process';
import { procStatFields } from './proc-stat.js';

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
// What a terminal sends, on a key, to its whole foreground process group.
const KEYBOARD_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);
// Node ignores these from its start; an ignored signal stays ignored across execve, while a
// caught one is reset to its default, as a spawned child gets it.
const IGNORED_BY_NODE: readonly NodeJS.Signals[] = ['SIGPIPE', 'SIGXFSZ'];
// What execvp(3) and libuv search when PATH is unset.
const DEFAULT_PATH = '/usr/bin:/bin';
// SIGTERM rather than SIGKILL: the child can pass it on (`npm start` does, to the app it
// started) and clean up; SIGKILL would stop only the direct child and orphan its children.
const DEATH_SIGNAL = 'SIGTERM';
// util-linux setpriv, which sets the parent-death signal that Node cannot set itself.
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv'];
// The first four bytes of a program the kernel runs itself; 0xcafebabe (a universal Mach-O
// binary) also begins Java class files, which Linux does not run.
const NATIVE_MAGIC: readonly number[] = process.platform === 'darwin' ? [0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xcafebabf] : [0x7f454c46];

/** How the child ended (its exit status, 128+N when signal N killed it), or why it never started. */
export type ChildOutcome =
  | { kind: 'exited'; status: number }
  | { kind: 'not-found' }
  | { kind: 'not-executable' }
  /** The system refused to start it for another reason (`E2BIG`, `EMFILE`, `EAGAIN`…). */
  | { kind: 'failed'; code: string };

/** `command` as execvp(3) finds it. */
type Found =
  | { kind: 'found'; file: string }
  | { kind: 'not-found' }
  | { kind: 'not-executable' };

/**
 * Takes a child's stdout and stderr, as pipes, and writes them on (`run --redact`). It calls
 * `brokenPipe` when where they go has gone away (`| head`): the child then gets SIGPIPE, as
 * it would writing there itself.
 * @returns settles once all of both was written, or cannot be
 */
export type ChildOutput = (stdout: Readable, stderr: Readable, brokenPipe: () => void) => Promise<void>;

/** How `runChild` connects the child, beyond what it always does. */
export interface RunChildOptions {
  /** Where the child's stdout and stderr go instead of devsecrets' own, which it inherits otherwise. */
  output?: ChildOutput;
}

type ProcessExecve = (file: string, args: readonly string[], env: Record<string, string>) => never;

/** Whether this runtime can replace the process with the child (`process.execve`: Node >= 22.15, not Windows). */
export function canExecChild(): boolean {
  return typeof (process as { execve?: unknown }).execve === 'function';
}

/**
 * Replaces this process with `command` (argv[0] as given, found on `env.PATH` like
 * execvp(3)), with exactly `env` as its environment and every signal at its default. Only
 * call it where `canExecChild()` is true, and only once everything devsecrets has to do is
 * done and every diagnostic has reached its stream: nothing of this process runs afterwards.
 *
 * A failed execve cannot be recovered from (Node aborts), so the file is executed only when
 * the kernel surely runs it: a native binary, or a `#!` script whose interpreter is one.
 * Anything else (a binary format registered with binfmt_misc, a file it cannot read) goes to
 * `runChild`, which lets the kernel decide and reports what it says.
 *
 * @returns never when the exec happens; otherwise the outcome: the command not found or not
 *   executable, or how the spawned child ended
 */
export function execChild(command: string, args: readonly string[], env: Record<string, string>): Promise<ChildOutcome> {
  const found = findCommand(command, env);
  if (found.kind !== 'found') return Promise.resolve(found);
  if (!runsNatively(found.file) || beyondExecLimits(args, env)) return runChild(command, args, env);
  for (const signal of IGNORED_BY_NODE) process.on(signal, ignore);
  return (process as unknown as { execve: ProcessExecve }).execve(found.file, [command, ...args], env);
}

// Linux refuses an exec (E2BIG) with an argument or `NAME=value` string of 32 pages or more,
// or with arguments and environment together beyond a quarter of the stack limit (2 MiB by
// default). Far below the latter, 1 MiB is taken as the bound: past either, the child is
// spawned, so that a refusal is reported instead of aborting Node.
const MAX_EXEC_STRING_BYTES = 32 * 4096;
const MAX_EXEC_TOTAL_BYTES = 1024 * 1024;

/** Whether an exec of `args` with `env` might be refused for its size (see the bounds above). */
function beyondExecLimits(args: readonly string[], env: Record<string, string>): boolean {
  let total = 0;
  for (const text of [...args, ...Object.entries(env).map(([name, value]) => `${name}=${value}`)]) {
    const bytes = Buffer.byteLength(text) + 1;
    if (bytes >= MAX_EXEC_STRING_BYTES) return true;
    total += bytes;
  }
  return total >= MAX_EXEC_TOTAL_BYTES;
}

/** A spawned child: its pid, how it ends, and a way to signal it while it runs. */
export interface SpawnedChild {
  /** Undefined when it never started; `outcome` then says why. */
  pid: number | undefined;
  /** Resolves when the child has exited (its output may still be on its way). */
  exited: Promise<void>;
  /** How it ended (its status, 128+N on signal N), or that it was not found or not executable; never rejects. */
  outcome: Promise<ChildOutcome>;
  /** Sends `signal` to the child unless it has ended (so never to a reused pid). @returns whether it was sent */
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * Spawns `command` with `args` (found on `env.PATH` like execvp(3)) and waits for it. The
 * environment is exactly `env`: nothing is inherited behind the caller's back.
 *
 * Meanwhile, signals sent to devsecrets alone are forwarded, once: SIGINT and SIGQUIT are not
 * when the terminal has already sent them to the child, that is when devsecrets and the child
 * are both in its foreground process group (on Linux; elsewhere, when stdin is a terminal).
 * On Linux, where util-linux `setpriv` knows `--pdeathsig`, the child gets SIGTERM when
 * devsecrets dies, even of SIGKILL; without it, such a child lives on.
 *
 * With `options.output`, the child's stdout and stderr are pipes handed to it (stdin is
 * still inherited), and the outcome comes once the child has exited and its output was
 * written, which lasts as long as anything holds the pipes open: a program the child left
 * running in the background, as in a shell pipeline.
 *
 * @returns how the child ended (its status, 128+N on signal N), or that the command was not
 *   found or not executable; never rejects
 */
export async function runChild(command: string, args: readonly string[], env: Record<string, string>, options: RunChildOptions = {}): Promise<ChildOutcome> {
  const child = await spawnChild(command, args, env, options);
  if (child.pid === undefined) return child.outcome;
  const pid = child.pid;
  const forward = async (signal: NodeJS.Signals): Promise<void> => {
    if (await deliveredByTerminal(signal, pid)) return;
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  // With the child gone there is no one to forward to: a signal during what is left of its
  // output (a background program of its own may hold the pipes) ends devsecrets.
  void child.exited.then(() => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  });
  return child.outcome;
}

/**
 * Spawns `command` as {@link runChild} does (looked up like execvp(3), exactly `env`, stdio
 * inherited or, with `options.output`, stdout and stderr piped to it, dying with devsecrets
 * where `setpriv` allows) and hands it back at once, for a caller that decides itself which
 * signals reach the child (`run --watch`). The child stays in devsecrets' process group, so
 * it keeps the terminal: it reads it and gets its keys.
 *
 * @returns the child; a command that is not found or not executable gets no pid, and its
 *   outcome says so. Never rejects.
 */
export async function spawnChild(command: string, args: readonly string[], env: Record<string, string>, options: RunChildOptions = {}): Promise<SpawnedChild> {
  const found = findCommand(command, env);
  if (found.kind !== 'found') return { pid: undefined, exited: Promise.resolve(), outcome: Promise.resolve(found), kill: () => false };
  // setpriv looks the command up again, on the same PATH, so that argv[0] stays as given.
  const setpriv = deathSignalWrapper();
  // Loaded only here, as a run that becomes its child never needs it (about 2 ms), and at
  // once: with no await before the spawn, the child has started when this returns, so what
  // the caller does next (run's audit entry) runs beside the child's start, not before it.
  const { spawn } = process.getBuiltinModule('node:child_process');
  const stdio: StdioOptions = options.output === undefined ? 'inherit' : ['inherit', 'pipe', 'pipe'];
  let child: ReturnType<typeof spawn>;
  try {
    child = setpriv === undefined
      ? spawn(found.file, args, { argv0: command, env, stdio, shell: false })
      : spawn(setpriv, ['--pdeathsig', DEATH_SIGNAL, '--', command, ...args], { env, stdio, shell: false });
  } catch (error) {
    // Some refusals come at once rather than as an 'error' event (E2BIG on Linux).
    return { pid: undefined, exited: Promise.resolve(), outcome: Promise.resolve(spawnFailure(error as NodeJS.ErrnoException)), kill: () => false };
  }
  const written = options.output?.(child.stdout!, child.stderr!, () => child.kill('SIGPIPE')) ?? Promise.resolve();
  const exited = new Promise<ChildOutcome>((resolvePromise) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolvePromise(spawnFailure(error)));
    child.once('exit', (code, signal) => {
      const number = signal === null ? undefined : constants.signals[signal];
      resolvePromise({ kind: 'exited', status: code ?? 128 + (number ?? 0) });
    });
  });
  // The outcome waits for the output to be written too: it lasts as long as anything holds the pipes.
  const outcome = exited.then(async (result) => {
    await written;
    return result;
  });
  return { pid: child.pid, exited: exited.then(() => undefined), outcome, kill: (signal) => child.kill(signal) };
}

/** Why a spawn failed, from its error. */
function spawnFailure(error: NodeJS.ErrnoException): ChildOutcome {
  if (error.code === 'ENOENT') return { kind: 'not-found' };
  if (error.code === 'EACCES' || error.code === 'ENOEXEC') return { kind: 'not-executable' };
  return { kind: 'failed', code: error.code ?? 'UNKNOWN' };
}

/**
 * Whether the terminal has already sent `signal` to the child `childPid`: a keyboard signal
 * (SIGINT, SIGQUIT) while devsecrets and the child are both in the terminal's foreground
 * process group. Such a signal must not be sent again: a dev server takes a second Ctrl-C as
 * "force quit".
 */
export async function deliveredByTerminal(signal: NodeJS.Signals, childPid: number): Promise<boolean> {
  return KEYBOARD_SIGNALS.has(signal) && terminalSignalled(childPid);
}

/**
 * Whether this process can read its terminal on stdin without being stopped for it
 * (SIGTTIN): stdin is a terminal and, where Linux's /proc tells, this process is in the
 * terminal's foreground process group. Without /proc (macOS), a terminal on stdin is taken to
 * mean so.
 */
export async function readsTerminal(): Promise<boolean> {
  const { isatty } = await import('node:tty');
  if (!isatty(0)) return false;
  const self = processGroups('self');
  return self === undefined || self.group === self.foreground;
}

function ignore(): void {}

/**
 * Finds `command` as execvp(3) and libuv do: a name with a slash is a path; otherwise the
 * first executable regular file of that name in a folder of PATH (an empty entry is the
 * working folder), and when there is none, "not executable" if some candidate was denied.
 * On Windows (PATHEXT, `;`), libuv's own search decides, and its errors say what it found.
 */
function findCommand(command: string, env: Record<string, string>): Found {
  if (process.platform === 'win32') return { kind: 'found', file: command };
  if (command === '') return { kind: 'not-found' };
  const candidates = command.includes('/') ? [command] : (env.PATH ?? DEFAULT_PATH).split(':').map((folder) => (folder === '' ? command : `${folder}/${command}`));
  let denied = false;
  for (const file of candidates) {
    const access = executable(file);
    if (access === true) return { kind: 'found', file };
    if (access === false) denied = true;
  }
  return { kind: denied ? 'not-executable' : 'not-found' };
}

/** Whether `file` is a regular file we may execute; undefined when there is no such file. */
function executable(file: string): boolean | undefined {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined) return undefined;
    accessSync(file, fsConstants.X_OK);
    return stats.isFile();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? undefined : false;
  }
}

/**
 * Whether the kernel surely executes `file`: a native binary, or a `#!` script whose
 * interpreter is one (macOS refuses a script as interpreter; Linux would take it, but
 * checking one level is enough to be sure). False when in doubt: unreadable, other formats.
 */
function runsNatively(file: string, interpreted = false): boolean {
  const header = Buffer.alloc(256);
  let length: number;
  try {
    const fd = openSync(file, 'r');
    try {
      length = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  if (length >= 4 && NATIVE_MAGIC.includes(header.readUInt32BE(0))) return true;
  if (interpreted || length < 2 || header.toString('latin1', 0, 2) !== '#!') return false;
  const end = header.indexOf(0x0a);
  // A `#!` line longer than what was read: the kernel's limit differs between versions.
  if (end === -1 && length === header.length) return false;
  const interpreter = header.toString('latin1', 2, end === -1 ? length : end).trimStart().split(/[ \t\0]/)[0]!;
  return interpreter !== '' && executable(interpreter) === true && runsNatively(interpreter, true);
}

/**
 * `setpriv` when it can set the parent-death signal: util-linux 2.33 or later. Found by its
 * usual paths rather than by running it, since `run` starts on every `npm start`; an older
 * one (RHEL 8 ships 2.32) or busybox's would refuse `--pdeathsig`, and the option's name in
 * the binary tells them apart.
 */
function deathSignalWrapper(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const file = SETPRIV_PATHS.find((path) => existsSync(path));
  if (file === undefined) return undefined;
  try {
    return readFileSync(file).includes('pdeathsig') ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the terminal has already sent a keyboard signal to the child: devsecrets and the
 * child are both in the terminal's foreground process group. Linux tells in /proc (the
 * process group and the terminal's foreground group, `tpgid`); without /proc (macOS), a
 * terminal on stdin is taken to mean so, the child being in devsecrets' group unless it left.
 */
async function terminalSignalled(childPid: number): Promise<boolean> {
  const self = processGroups('self');
  if (self === undefined) {
    // Loaded only here: node:tty costs `run` about 3 ms at start-up.
    const { isatty } = await import('node:tty');
    return isatty(0);
  }
  return self.group === self.foreground && processGroups(String(childPid))?.group === self.foreground;
}

/** A process's group and its terminal's foreground group (-1 without a terminal). */
function processGroups(pid: string): { group: string; foreground: string } | undefined {
  const fields = procStatFields(pid);
  return fields === undefined ? undefined : { group: fields[2]!, foreground: fields[5]! };
}
