/**
 * `run`'s flags: declared to commander by the program, and read by the fast path in main.
 * `--watch`, `--watch-path GLOB` and `--grace DURATION` are not here: the fast path reads
 * switches only, and a watch session loads commander once, then runs for hours.
 */
import type { RunOptions } from './commands/run.js';

/** Each flag, with the `RunOptions` field it sets and its help text. */
export const RUN_FLAGS = {
  '--prefer-env': ['preferEnv', 'inherited values win over the store'],
  '--isolate': ['isolate', 'pass only manifest variables and the essentials (PATH, HOME, …)'],
  '--redact': ['redact', 'replace secret values (and their base64, hex, URL-encoded forms) in the output with [REDACTED:NAME]'],
  '--ephemeral': ['ephemeral', 'no store: fresh fakes generated in memory for this run (CI)'],
  '--allow-expired': ['allowExpired', 'run even though the store expired (emergencies only)'],
} as const satisfies Record<string, readonly [keyof RunOptions, string]>;
