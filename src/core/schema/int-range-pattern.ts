/**
 * A regular expression for a range of integers, so that a JSON Schema of the environment —
 * where every value is a string and `minimum`/`maximum` cannot apply — still checks an `int`'s
 * bounds and a port's 1–65535.
 */

/**
 * An ECMAScript regex source, anchored, that matches exactly the canonical decimal spellings
 * (`0`, `-12`, `120`; no `+`, no leading zeros, no `-0`) of the integers from `min` to
 * `max`, either bound left out for none. Bounds are safe integers and `min <= max`, as the
 * manifest's checks guarantee; without both bounds the text may name integers beyond the
 * safe range, which devsecrets' own check refuses.
 */
export function integerRangePattern(min?: number, max?: number): string {
  const low = min === undefined ? undefined : BigInt(min);
  const high = max === undefined ? undefined : BigInt(max);
  const alternatives: string[] = [];
  // Negative integers are `-` and a positive range: [low, high] ∩ [.., -1] mirrored.
  if (low === undefined || low < 0n) {
    const top = high === undefined || high >= 0n ? -1n : high;
    alternatives.push(...naturalRange(-top, low === undefined ? undefined : -low).map((source) => `-${group(source)}`));
  }
  if (high === undefined || high >= 0n) {
    alternatives.push(...naturalRange(low === undefined || low < 0n ? 0n : low, high));
  }
  return `^(?:${alternatives.join('|')})$`;
}

/** Alternatives for the integers from `from` (>= 0) to `to` (undefined: no end), one per number of digits. */
function naturalRange(from: bigint, to: bigint | undefined): string[] {
  if (to !== undefined && from > to) return [];
  const alternatives: string[] = [];
  const lastDigits = to === undefined ? digitsOf(from) : digitsOf(to);
  for (let digits = digitsOf(from); digits <= lastDigits; digits += 1) {
    const first = digits === 1 ? 0n : 10n ** BigInt(digits - 1);
    const last = 10n ** BigInt(digits) - 1n;
    const start = from > first ? from : first;
    const end = to !== undefined && to < last ? to : last;
    alternatives.push(sameLengthRange(String(start), String(end)));
  }
  // Every longer integer: a non-zero digit, then at least as many digits as the last width above.
  if (to === undefined) alternatives.push(`[1-9][0-9]{${lastDigits},}`);
  return alternatives;
}

function digitsOf(value: bigint): number {
  return String(value).length;
}

/** The digit strings from `low` to `high`, both of the same length, digit by digit. */
function sameLengthRange(low: string, high: string): string {
  if (low === high) return low;
  const rest = low.length - 1;
  if (rest === 0) return digitClass(low, high);
  const [lowHead, highHead] = [Number(low[0]), Number(high[0])];
  const [lowTail, highTail] = [low.slice(1), high.slice(1)];
  if (lowHead === highHead) return `${lowHead}${group(sameLengthRange(lowTail, highTail))}`;
  const parts: string[] = [];
  // Leading digits whose every tail is in range share one `[a-b][0-9]{n}`.
  let middleLow = lowHead;
  let middleHigh = highHead;
  if (lowTail !== '0'.repeat(rest)) {
    parts.push(`${lowHead}${group(sameLengthRange(lowTail, '9'.repeat(rest)))}`);
    middleLow += 1;
  }
  const upper = highTail === '9'.repeat(rest) ? undefined : `${highHead}${group(sameLengthRange('0'.repeat(rest), highTail))}`;
  if (upper !== undefined) middleHigh -= 1;
  if (middleLow <= middleHigh) parts.push(`${digitClass(String(middleLow), String(middleHigh))}[0-9]${rest === 1 ? '' : `{${rest}}`}`);
  if (upper !== undefined) parts.push(upper);
  return parts.join('|');
}

function digitClass(low: string, high: string): string {
  return low === high ? low : `[${low}-${high}]`;
}

/** Alternatives become one group when something follows them. */
function group(source: string): string {
  return source.includes('|') ? `(?:${source})` : source;
}
