/**
 * A first manifest guessed from a `.env.example`: every name, a type guessed from the
 * example value, `secret` guessed from the name. Example values of secrets are dropped
 * (they are sometimes real); those of other variables become defaults when they validate.
 *
 * A loader-control variable (`NODE_OPTIONS`, `LD_PRELOAD`, …) is declared on purpose
 * (`"loaderControl": true`): the team committed it to its example file, so the app needs
 * it, and leaving it out would lose it silently. It gets no fake, so the example's value
 * becomes its default, and an empty one makes it optional; init names each one, for the
 * person who reviews the inferred manifest. Its name says what it does, not that it is secret
 * (`GIT_ASKPASS` holds a command, not a password).
 */
import type { DotenvEntry } from './dotenv.js';
import type { ManifestDocument, VarSpec } from './manifest-schema.js';
import { DURATION_RE } from './duration-text.js';
import { isLoaderControl } from './loader-control.js';
import { specFromComments } from './spec-comment.js';
import { compileValidator } from './types/index.js';

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PWD|PASS|API_?KEY|PRIVATE|CREDENTIAL|AUTH|SALT|SIGNING|_KEY$|^KEY$|DSN|DATABASE_URL|_URI$)/i;
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Builds a manifest document from dotenv entries (last definition of a name wins). An
 * entry's `# devsecrets:` spec comment, when its comments hold one, is its spec exactly
 * (see spec-comment.ts); only the others are guessed.
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) for a malformed spec comment.
 */
export function inferManifest(entries: readonly (DotenvEntry & { comments?: readonly string[] })[], schemaRef: string): ManifestDocument {
  const vars: Record<string, VarSpec> = {};
  for (const entry of entries) vars[entry.name] = specFromComments(entry.name, entry.comments ?? []) ?? inferSpec(entry.name, entry.value);
  return { $schema: schemaRef, version: 1, ttl: '30d', vars };
}

function inferSpec(name: string, example: string): VarSpec {
  if (isLoaderControl(name)) return inferLoaderControlSpec(name, example);
  const secret = SECRET_NAME.test(name) || PEM.test(example);
  const spec = guessType(name, example, secret);
  if (secret) return { ...spec, secret: true } as VarSpec;
  if (example === '' || compileValidator(spec)(example) !== undefined) return spec;
  return { ...spec, default: defaultValue(spec, example) } as VarSpec;
}

function inferLoaderControlSpec(name: string, example: string): VarSpec {
  const { type } = guessType(name, example, false);
  const spec = { type, loaderControl: true } as VarSpec;
  if (example === '') return { ...spec, required: false };
  // The guess is looser than the type's own checks (an email, say): what they refuse stays text.
  if (compileValidator(spec)(example) !== undefined) return { type: 'string', loaderControl: true, default: example };
  return { ...spec, default: defaultValue(spec, example) } as VarSpec;
}

function guessType(name: string, example: string, secret: boolean): VarSpec {
  if (PEM.test(example) || /PRIVATE_KEY/i.test(name)) return { type: 'private-key' };
  if (example === 'true' || example === 'false') return { type: 'bool' };
  if (/^(0|[1-9]\d*)$/.test(example)) return /PORT$/i.test(name) ? { type: 'port' } : { type: 'int' };
  if (/^-?(0|[1-9]\d*)\.\d+$/.test(example)) return { type: 'number' };
  if (DURATION_RE.test(example)) return { type: 'duration' };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(example)) return { type: 'uuid' };
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(example)) return { type: 'email' };
  const url = urlSpec(example);
  if (url) return url;
  if (isJsonDocument(example)) return { type: 'json' };
  if (secret || /KEY$/i.test(name)) return tokenSpec(example);
  return { type: 'string' };
}

function isJsonDocument(example: string): boolean {
  if (!/^\s*[[{]/.test(example)) return false;
  try {
    JSON.parse(example);
    return true;
  } catch {
    return false;
  }
}

/**
 * A token shaped like the example: its vendor prefix (`sk_test_`, `whsec_`, `ghp_`), and
 * when the example looks like a real-length token rather than a placeholder, its length and
 * alphabet. A live-mode prefix becomes the test-mode one: fakes must never look live.
 */
function tokenSpec(example: string): VarSpec {
  const match = /^((?:[a-z]{2,8}[_-](?:(?:test|live)[_-])?)?)([A-Za-z0-9_-]+)$/.exec(example);
  if (match === null) return { type: 'token' };
  const prefix = match[1]!.replace(/live([_-])$/, 'test$1');
  const rest = match[2]!;
  const shape = prefix === '' ? {} : { prefix };
  if (rest.length < 16) return { type: 'token', ...shape };
  const charset = /^[0-9a-f]+$/.test(rest) ? 'hex' : /^[A-Za-z0-9]+$/.test(rest) ? 'alnum' : 'base64url';
  return { type: 'token', ...shape, length: prefix.length + rest.length, ...(charset === 'alnum' ? {} : { charset }) };
}

function urlSpec(example: string): VarSpec | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(example)) return undefined;
  let url: URL;
  try {
    url = new URL(example);
  } catch {
    return undefined;
  }
  const protocol = url.protocol.slice(0, -1).toLowerCase();
  const sslmode = url.searchParams.get('sslmode');
  return {
    type: 'url',
    protocols: protocol === 'postgres' || protocol === 'postgresql' ? ['postgresql', 'postgres'] : [protocol],
    ...(sslmode !== null && sslmode !== 'disable' ? { params: { sslmode } } : {}),
  };
}

function defaultValue(spec: VarSpec, example: string): string | number | boolean {
  if (spec.type === 'bool') return example === 'true';
  if (spec.type === 'int' || spec.type === 'port' || spec.type === 'number') return Number(example);
  return example;
}
