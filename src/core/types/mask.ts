const SHOWN_CHARS = 4;
const SHOW_ABOVE = 8;

/**
 * The masked form of a value for listings and diagnostics: the first 4 characters and
 * the length (`sk_t…(32 chars)`) when the value is longer than 8 characters, only the
 * length (`…(5 chars)`) otherwise, so a short secret is never mostly revealed.
 * Characters are Unicode code points, so a mask never splits one.
 */
export function maskValue(value: string): string {
  const chars = Array.from(value);
  const size = `…(${chars.length} chars)`;
  return chars.length > SHOW_ABOVE ? chars.slice(0, SHOWN_CHARS).join('') + size : size;
}
