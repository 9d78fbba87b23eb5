/**
 * Stopping a child of `run --watch` together with every process it started, as a signal to
 * its process group would, though it has no group of its own.
 *
 * Why not a group: Node can give a child a group only with `detached: true`, which is
 * setsid(2), a new session without a controlling terminal. A dev server started so no longer
 * gets the Ctrl-C typed in the terminal, cannot open /dev/tty, and a child in a group that is
 * not the terminal's foreground group is stopped (SIGTTIN) when it reads its terminal. Without
 * a terminal a group would do no harm, but it would hide the child from whoever kills
 * devsecrets' own group (a CI runner, `timeout`, a task runner). So the child stays in
 * devsecrets' group, and its descendants are found in the process table (Linux's /proc,
 * elsewhere `ps`) when it is stopped: each gets the signal, then SIGKILL after the grace
 * period if it is still there. A process that left the tree before (its parent died and init
 * adopted it) is not found, as with any tool that does not own a group.
 *
 * Pids are checked before SIGKILL against the start time /proc records, so a pid reused by
 * an unrelated process in the meantime is left alone (without /proc the check is skipped).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { ChildOutcome, SpawnedChild } from './child-process.js';
import { procStatFields } from './proc-stat.js';
import { withTimeout } from './with-timeout.js';

/** How often the descendants of an ended child are looked at until they are gone. */
const POLL_MS = 20;

/** A process as the table shows it: its parent, and its start time to recognise it later. */
interface ProcessEntry {
  pid: number;
  ppid: number;
  /** /proc's start time in clock ticks since boot; empty without /proc. */
  start: string;
}

/** How `stopProcessTree` stops a child. */
export interface StopOptions {
  /** The signal to send to the child and its descendants; undefined when it already reached them (a key typed in the terminal). */
  signal: NodeJS.Signals | undefined;
  /** How long they have to end before SIGKILL, in milliseconds. */
  graceMs: number;
}

/**
 * Stops a running child and its descendants: `signal` to each, then, for those still there
 * after `graceMs` (the child, or what it started and left behind), SIGKILL.
 * @returns how the child ended; resolves once its descendants are gone too
 */
export async function stopProcessTree(child: SpawnedChild, options: StopOptions): Promise<ChildOutcome> {
  const deadline = Date.now() + options.graceMs;
  const tree = child.pid === undefined ? [] : descendantsOf(child.pid);
  if (options.signal !== undefined) signalAll(child, tree, options.signal);
  let outcome = await withTimeout(child.outcome, options.graceMs, undefined);
  if (outcome === undefined) {
    // Still running: what it started since the first look is in the table too, while it lives.
    const later = child.pid === undefined ? [] : descendantsOf(child.pid);
    signalAll(child, [...tree, ...later], 'SIGKILL');
    outcome = await child.outcome;
  }
  let left = tree.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolvePromise) => setTimeout(resolvePromise, POLL_MS));
    left = left.filter(isAlive);
  }
  for (const entry of left) send(entry, 'SIGKILL');
  return outcome;
}

/** Sends `signal` to a running child and all its descendants, as a signal to its process group would. */
export function signalProcessTree(child: SpawnedChild, signal: NodeJS.Signals): void {
  signalAll(child, child.pid === undefined ? [] : descendantsOf(child.pid), signal);
}

function signalAll(child: SpawnedChild, tree: readonly ProcessEntry[], signal: NodeJS.Signals): void {
  child.kill(signal);
  for (const entry of tree) send(entry, signal);
}

/** Every living descendant of `pid`, children first. */
function descendantsOf(pid: number): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of processTable()) {
    const siblings = children.get(entry.ppid);
    if (siblings === undefined) children.set(entry.ppid, [entry]);
    else siblings.push(entry);
  }
  const found: ProcessEntry[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** The living processes: from /proc on Linux, else from `ps`; empty when neither answers (Windows). */
function processTable(): ProcessEntry[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return psTable();
  }
  return pids.map(procEntry).filter((entry): entry is ProcessEntry => entry !== undefined);
}

/** A process from /proc/PID/stat, unless it is gone or a zombie. */
function procEntry(pid: string): ProcessEntry | undefined {
  const fields = procStatFields(pid);
  if (fields === undefined || fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return { pid: Number(pid), ppid: Number(fields[1]), start: fields[19] ?? '' };
}

/** The living processes as `ps` lists them (macOS, the BSDs), without start times. */
function psTable(): ProcessEntry[] {
  const result = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  if (result.status !== 0 || typeof result.stdout !== 'string') return [];
  return result.stdout.trim().split('\n').map((line) => {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    return { pid: pid!, ppid: ppid!, start: '' };
  });
}

/** Whether the process is still the one first seen, and not yet dead. */
function isAlive(entry: ProcessEntry): boolean {
  if (entry.start !== '') return procEntry(String(entry.pid))?.start === entry.start;
  try {
    process.kill(entry.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to a process first seen as `entry`, if it is still that process. */
function send(entry: ProcessEntry, signal: NodeJS.Signals): void {
  if (!isAlive(entry)) return;
  try {
    process.kill(entry.pid, signal);
  } catch {
    // Gone in the meantime.
  }
}
