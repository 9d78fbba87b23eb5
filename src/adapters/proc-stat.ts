/**
 * `/proc/PID/stat` on Linux: the fields after the command name (state, ppid, pgrp, session,
 * tty_nr, tpgid, … starttime), for the signal rules of `run` and the process tree of `--watch`.
 */
import { readFileSync } from 'node:fs';

/**
 * The fields of `/proc/PID/stat` from the state on (index 0 is the state, 1 the parent pid,
 * 2 the process group, 5 the terminal's foreground group, 19 the start time), or `undefined`
 * for a process that is gone or a system without `/proc`.
 */
export function procStatFields(pid: string): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: the fields start after its last `)`.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
