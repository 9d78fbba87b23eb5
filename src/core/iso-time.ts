/**
 * `date.toISOString()` for dates in the years 0–9999, spelled out from the UTC fields.
 * V8's own toISOString loads the time-zone database on its first call (about 1 ms), which
 * `run` would pay on every start for the time stamps of its lock and audit entry.
 */
export function isoTime(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  return `${day}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}
