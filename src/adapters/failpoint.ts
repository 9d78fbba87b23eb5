/**
 * Crash points for tests: with `DEVSECRETS_FAILPOINT=NAME`, the process kills itself
 * (SIGKILL: no cleanup, no finally blocks) on reaching the point NAME. Tests use it to prove
 * that a crash between any two steps of a multi-step write leaves a usable store.
 */
export function failpoint(name: string): void {
  if (process.env.DEVSECRETS_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
