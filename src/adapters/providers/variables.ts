/**
 * A provider's JSON object of variables as environment text. Environment values are text,
 * and a manifest's types validate text, so:
 *
 * - a string is the value as it is;
 * - a boolean or a number is its JSON text (`true`, `8080`, `0.5`), as when the app reads
 *   the JSON and sets the variable itself — except an integer beyond 2^53, which JSON.parse
 *   has already rounded, so its text is no longer the provider's;
 * - null, an object or an array has no one text form (nested JSON? empty?) and is refused,
 *   naming each such variable and its JSON type, never its value.
 */
import { DevsecretsError, type Issue } from '../../core/errors.js';
import { providerError } from './failure.js';

/**
 * Converts the object a provider holds for `ref` into variables.
 *
 * @param holder what the object is, for messages: `the secret`, `data.data`
 * @param hint what to do when the document is not an object at all
 * @returns a new object with the same keys (own data properties only, so a key such as
 * `__proto__` stays a key)
 * @throws DevsecretsError `PROVIDER_RESPONSE_INVALID` when `document` is not a JSON object,
 * or when some values have no text form (one issue per variable)
 */
export function toVariables(document: unknown, ref: string, holder: string, hint: string): Record<string, string> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw providerError('PROVIDER_RESPONSE_INVALID', ref, `${holder} is not a JSON object of variables`, hint);
  }
  const entries: [string, string][] = [];
  const issues: Issue[] = [];
  for (const [name, value] of Object.entries(document)) {
    const text = textOf(value);
    if (typeof text === 'string') entries.push([name, text]);
    else issues.push({ var: displayName(name), message: text.problem });
  }
  if (issues.length > 0) {
    throw new DevsecretsError('PROVIDER_RESPONSE_INVALID', `${ref}: ${issues.length === 1 ? 'a value is' : `${issues.length} values are`} not text`, {
      hint: 'store each variable as a JSON string, e.g. "PORT": "8080"',
      issues,
    });
  }
  return Object.fromEntries(entries);
}

function textOf(value: unknown): string | { problem: string } {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Number.isSafeInteger(value) ? { problem: 'is an integer too large for JSON to keep exactly' } : String(value);
  }
  if (value === null) return { problem: 'is null, not text' };
  return { problem: Array.isArray(value) ? 'is an array, not text' : 'is an object, not text' };
}

/** A key as messages show it: quoted when it is not a plain name, so no control character reaches a terminal. */
function displayName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,128}$/.test(name) ? name : JSON.stringify(name.slice(0, 128));
}
