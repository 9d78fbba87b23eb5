/**
 * `devsecrets run` behaves like the program it wraps: a key typed in a real pseudo-terminal
 * (util-linux `script`) reaches the child once, a signal sent to devsecrets alone reaches it
 * once, devsecrets exits with the child's status, and no child outlives a killed devsecrets.
 * Where Node has process.execve devsecrets becomes the child (`exec`); elsewhere it spawns it
 * (`spawn`). CI runs this file on both (see .ci/run).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN, STANDARD_MANIFEST, available, createProject, hasDeathSignalWrapper, runMode, waitForDeath, waitForExit, waitForOutput, type Project,
} from '../helpers/cli.js';

const mode = runMode();
const hasScript = available('util-linux script', spawnSync('script', ['--version']).status === 0);
// Without setpriv (macOS, Alpine) a spawned child outlives a devsecrets killed by SIGKILL.
const childDiesWithParent = mode === 'exec' || available('util-linux setpriv with --pdeathsig (Linux)', hasDeathSignalWrapper());

/**
 * The child: counts the signal named by its argument. After the first one it waits half a
 * second, the time for a duplicate to arrive (a forwarded copy follows within milliseconds),
 * then prints `SIGNAL xCOUNT` and exits with status 3. It prints `ready PID` once listening.
 */
const COUNT_SIGNALS = `
const signal = process.argv[2];
let count = 0;
process.on(signal, () => {
  count += 1;
  if (count === 1) setTimeout(() => { process.stdout.write(signal + ' x' + count + '\\n'); process.exit(3); }, 500);
});
process.stdout.write('ready ' + process.pid + '\\n');
setTimeout(() => process.exit(9), 30000);
`;

/** The child: prints `ready PID`, then idles; on SIGTERM it prints `cleaned up` and exits. */
const CLEANS_UP = `
process.on('SIGTERM', () => { process.stdout.write('cleaned up\\n'); process.exit(0); });
process.stdout.write('ready ' + process.pid + '\\n');
setTimeout(() => process.exit(9), 30000);
`;

/** The pid the child printed in `ready PID`. */
function readyPid(stdout: string): number {
  const match = /ready (\d+)/.exec(stdout);
  if (match === null) throw new Error(`no "ready PID" in ${JSON.stringify(stdout)}`);
  return Number(match[1]);
}

/** Collects a started process's stdout as it comes. */
function collect(child: ChildProcessWithoutNullStreams): () => string {
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return () => text;
}

describe('devsecrets run and signals', () => {
  let project: Project;
  beforeAll(() => {
    project = createProject({ manifest: STANDARD_MANIFEST, files: { 'count-signals.js': COUNT_SIGNALS, 'cleans-up.js': CLEANS_UP } });
    expect(project.run(['init']).code).toBe(0);
  });
  afterAll(() => project.cleanup());

  describe.skipIf(!hasScript)('in a terminal', () => {
    /**
     * Starts `devsecrets run -- node FILE ARG` in the foreground of a new pseudo-terminal;
     * what goes to its stdin is typed. The shell `script` starts execs devsecrets, so that
     * no shell of its own reacts to the keys (dash exits 130 after a Ctrl-C, whatever its child did).
     */
    function startOnTerminal(file: string, arg: string): ChildProcessWithoutNullStreams {
      const command = [process.execPath, BIN, 'run', '--', 'node', file, arg].map((word) => `'${word}'`).join(' ');
      return spawn('script', ['-qec', `exec ${command}`, '/dev/null'], { cwd: project.dir, env: project.env, stdio: 'pipe' });
    }

    it.each([
      { key: 'Ctrl-C', typed: '\u0003', signal: 'SIGINT', trials: 5 },
      { key: 'Ctrl-\\', typed: '\u001c', signal: 'SIGQUIT', trials: 3 },
    ] as const)('$key typed in the terminal reaches the child exactly once ($signal, $trials trials)', async ({ typed, signal, trials }) => {
      for (let trial = 0; trial < trials; trial += 1) {
        const terminal = startOnTerminal('count-signals.js', signal);
        const done = waitForExit(terminal);
        await waitForOutput(terminal, 'ready');

        terminal.stdin.write(typed);
        const result = await done;

        expect(result.stdout).toContain(`${signal} x1\r\n`);
        expect(result.code).toBe(3);
      }
    });
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s sent to devsecrets alone, outside a terminal, reaches the child exactly once; devsecrets exits with its status', async (signal) => {
    const devsecrets = project.start(['run', '--', 'node', 'count-signals.js', signal]);
    const done = waitForExit(devsecrets);
    await waitForOutput(devsecrets, 'ready');

    devsecrets.kill(signal);
    const result = await done;

    expect(result.stdout).toBe(`ready ${readyPid(result.stdout)}\n${signal} x1\n`);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('');
  });

  it.skipIf(!childDiesWithParent)('a devsecrets killed with SIGKILL leaves no child behind', async () => {
    const devsecrets = project.start(['run', '--', 'node', '-e', "process.stdout.write('ready ' + process.pid + '\\n'); setTimeout(() => {}, 30000)"]);
    const stdout = collect(devsecrets);
    await waitForOutput(devsecrets, 'ready');
    const child = readyPid(stdout());

    devsecrets.kill('SIGKILL');

    await waitForDeath(child);
  });

  it.runIf(process.platform === 'linux')('the child starts with no signal ignored, though Node ignores SIGPIPE and SIGXFSZ', () => {
    // A pipeline in the child relies on it: `yes | head -1` ends with a SIGPIPE, not an error.
    const result = project.run(['run', '--', 'grep', '^SigIgn', '/proc/self/status']);

    expect(result).toMatchObject({ code: 0, stdout: 'SigIgn:\t0000000000000000\n' });
  });

  it.runIf(process.platform === 'linux')('the child gets blocking stdout and stderr, even after devsecrets has written to them', () => {
    // Node makes a pipe it writes to non-blocking; a program handed it so may fail with EAGAIN.
    const result = project.run(['run', '--', 'grep', '-h', '^flags', '/proc/self/fdinfo/1', '/proc/self/fdinfo/2'], { env: { PORT: '1234' } });

    expect(result.stderr).toBe("devsecrets: PORT: the store's value overrides the inherited one\n");
    const flags = result.stdout.trim().split('\n').map((line) => Number.parseInt(line.split('\t')[1]!, 8));
    expect(flags).toHaveLength(2);
    expect(flags.map((value) => value & 0o4000)).toEqual([0, 0]);
  });

  describe.runIf(mode === 'spawn')('spawning the child (Node without process.execve)', () => {
    it.skipIf(!childDiesWithParent)('the child of a devsecrets killed with SIGKILL gets SIGTERM, so it can clean up (and pass it on)', async () => {
      const devsecrets = project.start(['run', '--', 'node', 'cleans-up.js']);
      const stdout = collect(devsecrets);
      await waitForOutput(devsecrets, 'ready');
      const child = readyPid(stdout());
      expect(child).not.toBe(devsecrets.pid);

      devsecrets.kill('SIGKILL');

      // The child keeps the stdout pipe it inherited, so what it says still arrives.
      await waitForOutput(devsecrets, 'cleaned up');
      await waitForDeath(child);
    });
  });

  describe.runIf(mode === 'exec')('becoming the child (process.execve)', () => {
    it('the child runs as devsecrets\' own pid and its own death is devsecrets\' status; the audit entry was written first', async () => {
      const devsecrets = project.start(['run', '--', 'node', '-e', "process.stdout.write('ready ' + process.pid + '\\n'); process.kill(process.pid, 'SIGTERM')"]);
      const stdout = collect(devsecrets);

      const [code, signal] = (await once(devsecrets, 'close')) as [number | null, NodeJS.Signals | null];

      expect(readyPid(stdout())).toBe(devsecrets.pid);
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      const entries = project.read('.devsecrets', 'audit.log').trim().split('\n').map((line) => JSON.parse(line) as { action: string; pid: number });
      expect(entries.at(-1)).toMatchObject({ action: 'run', pid: devsecrets.pid });
    });

    it('a file the kernel may refuse (neither a binary nor a #! script) is spawned, since a failed execve aborts Node', () => {
      project.write('no-shebang', 'echo from sh\n');
      chmodSync(project.path('no-shebang'), 0o755);

      const result = project.run(['run', '--', './no-shebang']);

      // What spawning has always done with it: glibc's execvp runs it with /bin/sh, as a shell would.
      expect(result).toMatchObject({ code: 0, stdout: 'from sh\n', stderr: '' });
    });
  });
});
