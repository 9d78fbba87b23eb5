/** A path as one POSIX shell word, for the commands doctor prints as fixes (it never runs them). */
export function shellQuote(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
