/**
 * `.env.example` from the manifest: per variable its description as comments, its spec as a
 * `# devsecrets:` line (see spec-comment.ts), and a safe value — so a new developer sees
 * what to provide, and `devsecrets init --from` gives back the same manifest.
 */
import { DevsecretsError } from '../errors.js';
import { isLoaderControl } from '../loader-control.js';
import type { VarSpec } from '../manifest-schema.js';
import { formatSpecComment } from '../spec-comment.js';
import { generateFake } from '../types/index.js';
import { envText } from '../types/type-def.js';
import { schemaMarker } from './formats.js';

/**
 * Fixed, so the file is the same on every machine and run (doctor compares it with a fresh
 * rendering); placeholders are never secret, so a known seed hides nothing.
 */
const PLACEHOLDER_SEED = new Uint8Array(32);

/**
 * The `.env.example` text for `vars`, in manifest order. A secret's value is empty, always.
 * Any other variable shows its `example`, else its `default`, else a placeholder: the
 * devsecrets fake for a fixed seed, which passes its validator and, where the format has
 * free text, carries the fake markers (`fake-`, `example.test`, `FAKE`), so that
 * `check --env production` refuses a copy that reached production (`FAKE_IN_PRODUCTION`).
 * A private key or loader-control variable without either stays empty: a generated key in
 * a committed file is a key in git, and a made-up loader setting breaks programs.
 */
export function renderEnvExample(vars: Readonly<Record<string, VarSpec>>): string {
  const header = [
    `# ${schemaMarker('env-example')}`,
    '# Secrets are empty: devsecrets init gives each developer fakes for them. Each "# devsecrets:" line is the',
    "# variable's spec in devsecrets.json; devsecrets init --from reads it back.",
  ].join('\n');
  const blocks = Object.entries(vars).map(([name, spec]) => [
    ...(spec.description ? spec.description.split('\n') : []).map((line) => (line === '' ? '#' : `# ${line}`)),
    `# ${formatSpecComment(spec)}`,
    `${name}=${dotenvQuoted(exampleValue(name, spec, vars))}`,
  ].join('\n'));
  return `${[header, ...blocks].join('\n\n')}\n`;
}

function exampleValue(name: string, spec: VarSpec, vars: Readonly<Record<string, VarSpec>>): string {
  if (spec.secret === true) return '';
  const given = envText(spec, spec.example) ?? envText(spec, spec.default);
  if (given !== undefined) return given;
  if (spec.type === 'private-key' || isLoaderControl(name)) return '';
  try {
    // A token signed with another variable is signed with that one's placeholder, shown or not.
    const sibling = (other: string): string | undefined => (vars[other] === undefined ? undefined : generateFake(other, vars[other], PLACEHOLDER_SEED));
    return generateFake(name, spec, PLACEHOLDER_SEED, sibling);
  } catch (error) {
    // A spec no fake fits (a pattern outside the generator's reach) gets an empty value; anything else is a bug.
    if (error instanceof DevsecretsError && error.code === 'FAKE_UNAVAILABLE') return '';
    throw error;
  }
}

/**
 * `value` as a dotenv line reads it back (see dotenv.ts): bare when it can be, else in the
 * first kind of quotes it does not contain; empty when no quoting keeps it intact.
 */
function dotenvQuoted(value: string): string {
  if (!/^[\s'"`]|[#\r\n]|\s$/.test(value)) return value;
  for (const quote of ["'", '`']) if (!value.includes(quote)) return `${quote}${value}${quote}`;
  // Double quotes turn `\n` and `\r` into line breaks: only a value without them, or a backslash, survives.
  return /["\\\r\n]/.test(value) ? '' : `"${value}"`;
}
