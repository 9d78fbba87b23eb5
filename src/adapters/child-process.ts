/**
 * Running the child of `devsecrets run`: no shell, the environment given and nothing
 * else, signals forwarded, and the child's fate turned into an exit status the way a
 * shell does (128+N on signal N, 127 not found, 126 not executable).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export type ChildOutcome =
  | { kind: 'exited'; status: number }
  | { kind: 'not-found' }
  | { kind: 'not-executable' };

/**
 * Spawns `command` with `args` and waits for it, forwarding our signals to it meanwhile.
 * The environment is exactly `env`: nothing is inherited behind the caller's back.
 */
export function runChild(command: string, args: readonly string[], env: Record<string, string>): Promise<ChildOutcome> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { env, stdio: 'inherit', shell: false });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    let settled = false;
    const done = (outcome: ChildOutcome): void => {
      if (settled) return;
      settled = true;
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolvePromise(outcome);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') done({ kind: 'not-found' });
      else if (error.code === 'EACCES' || error.code === 'ENOEXEC') done({ kind: 'not-executable' });
      else done({ kind: 'exited', status: 1 });
    });
    child.once('exit', (code, signal) => {
      const number = signal === null ? undefined : constants.signals[signal];
      done({ kind: 'exited', status: code ?? 128 + (number ?? 0) });
    });
  });
}
