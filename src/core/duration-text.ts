/**
 * Duration text (`250ms`, `30s`, `5m`, `2h`, `30d`, `1w`), shared by the manifest's `ttl`
 * and the `duration` type. Free of zod, so the `run` fast path can use it.
 */
import { DevsecretsError } from './errors.js';

export const DURATION_RE = /^(\d+)(ms|s|m|h|d|w)$/;
export const DURATION_REASON = 'must be a duration like 30s, 5m, 2h or 30d';

export const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
export type DurationUnit = keyof typeof UNIT_MS;

/** Milliseconds, or undefined when the text is not a duration or too long to count exactly. */
export function durationMs(text: string): number | undefined {
  const match = DURATION_RE.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Parses a duration such as `30d` or `250ms` into milliseconds.
 * @throws DevsecretsError VALIDATION_FAILED when the text is not a duration, or is longer
 * than 2^53 ms; the message does not repeat the text.
 */
export function parseDurationMs(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new DevsecretsError('VALIDATION_FAILED', `invalid duration: ${DURATION_REASON}, below 2^53 ms`);
  }
  return ms;
}
