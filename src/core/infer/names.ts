/**
 * What a variable's name says about it, read the way its segments (`NEXT`, `PUBLIC`,
 * `WEBAPP`, `URL`) read to a person: whether its value is a secret, whether it ships to
 * browsers, and which kind of value it names.
 */
import type { VarSpec } from '../manifest-schema.js';

/**
 * Prefixes that frameworks inline into the browser bundle, so the value is public by
 * design: Next.js, Vite, SvelteKit/Astro (`PUBLIC_`), Create React App, Expo, Nuxt,
 * Gatsby, Laravel Mix and Vue CLI.
 */
const PUBLIC_PREFIXES = ['NEXT_PUBLIC_', 'VITE_', 'PUBLIC_', 'REACT_APP_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_', 'GATSBY_', 'MIX_', 'VUE_APP_'];

/** The public prefix `name` starts with, if any. */
export function publicPrefixOf(name: string): string | undefined {
  const upper = name.toUpperCase();
  return PUBLIC_PREFIXES.find((prefix) => upper.startsWith(prefix));
}

/** Segments that make a name a secret wherever they stand: `CLIENT_SECRET_GITHUB`, `DB_PASSWORD`. */
const SECRET_WORDS = new Set(['SECRET', 'SECRETS', 'TOKEN', 'PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE', 'SALT', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'DSN']);
/** Segments that make a name a secret only at its end (`OPENSSL_KEY_V1`, `TWILIO_AUTH`), not in `KEY_PATH` or `AUTH_GOOGLE_ENABLED`. */
const SECRET_TAILS = new Set(['KEY', 'AUTH']);
/**
 * A last segment that makes the name about a secret rather than one: its lifetime, length,
 * switch, file or name (`ACCESS_TOKEN_VALIDITY`, `MIN_PASSWORD_LENGTH`, `PASSWORD_RESET_DISABLED`).
 */
const ABOUT_A_SECRET = new Set([
  'LENGTH', 'VALIDITY', 'EXPIRES', 'EXPIRY', 'EXPIRATION', 'IN', 'TTL', 'AGE', 'ENABLED', 'DISABLED', 'ENABLE', 'DISABLE',
  'FILE', 'PATH', 'DIR', 'NAME', 'PREFIX', 'TYPE', 'COMPLEXITY', 'WITHIN', 'SECONDS', 'MS', 'MINUTES', 'HOURS', 'DAYS',
  'LIMIT', 'SIZE', 'COUNT', 'ID', 'IDS', 'URL', 'HOST', 'PORT', 'USER', 'USERNAME', 'STORAGE', 'DRIVER', 'PROVIDER', 'ALGORITHM',
  'RESET', 'POLICY', 'STRATEGY', 'HEADER', 'FIELD',
]);

function segmentsOf(name: string): string[] {
  return name.toUpperCase().split('_').filter((segment) => segment !== '');
}

/**
 * The name segment that makes the variable a secret (`PASSWORD`, `KEY`), or undefined:
 * a secret word anywhere, or `KEY`/`AUTH` last (a version like `_V1` or `_BASE` may follow),
 * unless the name ends in a word about the secret (`_LENGTH`, `_VALIDITY`, `_PATH`), names
 * a public key (`VAPID_PUBLIC_KEY`), or an address (`OIDC_URL_TOKEN`: whether a URL holds
 * credentials is for its engine and password to say).
 */
export function secretSegmentOf(name: string): string | undefined {
  const segments = segmentsOf(name);
  const last = segments.at(-1) ?? '';
  if (ABOUT_A_SECRET.has(last) || (last === 'KEY' && segments.at(-2) === 'PUBLIC')) return undefined;
  if (segments.some((segment) => ['URL', 'URI', 'ENDPOINT', 'URLS'].includes(segment))) return undefined;
  const tail = /^(?:V\d+|BASE)$/.test(last) ? segments.at(-2) : last;
  if (tail !== undefined && SECRET_TAILS.has(tail)) return tail;
  // Run together too: `PGPASSWORD` (libpq), `MYSQL_ROOTPASSWORD`.
  return segments.find((segment) => SECRET_WORDS.has(segment)) ?? segments.map((segment) => FUSED_SECRET.exec(segment)?.[1]).find((word) => word !== undefined);
}

const FUSED_SECRET = /^[A-Z0-9]+(PASSWORD|PASSWD|SECRET|TOKEN)$/;

/** Whether the name reads as a password: one a person chooses, of any characters. */
export function isPasswordName(name: string): boolean {
  const last = segmentsOf(name).at(-1) ?? '';
  return ['PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE'].includes(last) || /PASSW(?:OR)?D$/.test(last);
}

/** Segments of switches (`ENABLE_SIGNUP`, `USE_MINIO`, `EMAIL_USE_TLS`): a 0/1 value there is a flag, not a count. */
const SWITCH_WORDS = new Set(['ENABLE', 'ENABLED', 'DISABLE', 'DISABLED', 'USE', 'IS', 'FORCE', 'SKIP', 'ALLOW', 'DEBUG', 'SSL', 'TLS', 'VERIFY', 'TRACK', 'AUTO']);

/** Whether the name reads as an on/off switch. */
export function isSwitchName(name: string): boolean {
  return segmentsOf(name).some((segment) => SWITCH_WORDS.has(segment));
}

/** A kind of value the name asks for, and the rule that says so (for the report). */
export interface NameRule {
  spec: VarSpec;
  rule: string;
  /** A database or broker URL, which carries credentials in production. */
  credentials?: boolean;
}

/**
 * Database and broker names, and the schemes their URLs use when the file shows none.
 * `DATABASE_URL` alone says no engine: its scheme comes from the file, or stays open.
 */
const SERVICE_NAMES: readonly [RegExp, string[] | undefined][] = [
  [/^(?:POSTGRES|POSTGRESQL|PG)(?:_\w+)?_(?:URL|URI)$|^(?:\w+_)?PG_\w*(?:URL|URI)$/, ['postgresql', 'postgres']],
  [/^(?:\w+_)?REDIS_(?:URL|URI)$/, ['redis', 'rediss']],
  [/^(?:\w+_)?MONGO(?:DB)?_(?:URL|URI)$/, ['mongodb', 'mongodb+srv']],
  [/^(?:\w+_)?MYSQL_(?:URL|URI)$/, ['mysql']],
  [/^(?:\w+_)?(?:AMQP|RABBITMQ)_(?:URL|URI)$/, ['amqp', 'amqps']],
  [/^(?:\w+_)?(?:DATABASE|DB)_(?:URL|URI)$|_(?:DATABASE|DB)_(?:URL|URI)$|^(?:\w+_)?DB_CONNECTION_(?:URL|URI|STRING)$/, undefined],
];

/**
 * The kind of value `name` asks for, or undefined when the name says nothing about it:
 * `*_URLS` a list of urls; database-like names (`DATABASE_URL`, `*_DB_URL`, `POSTGRES_URL`,
 * `REDIS_URL`, `MONGODB_URI`) a url with their engine's schemes; `*_URL`, `*_URI`,
 * `*_ENDPOINT`, `*_DSN` a url; `*_EMAIL`, `*_EMAIL_ADDRESS`, `*_FROM_ADDRESS` an email;
 * `*_PORT` a port; `*_HOST`, `*_HOSTNAME`, `*_DOMAIN`, `*_SERVER` a hostname;
 * `VAPID_PRIVATE_KEY`/`VAPID_PUBLIC_KEY` the base64url P-256 keys Web Push uses; another
 * `*_PRIVATE_KEY` a private key.
 */
export function nameRuleOf(name: string): NameRule | undefined {
  const upper = name.toUpperCase();
  if (/_URLS$/.test(upper)) return { spec: { type: 'url', list: true }, rule: 'name: *_URLS' };
  for (const [pattern, protocols] of SERVICE_NAMES) {
    if (pattern.test(upper)) return { spec: { type: 'url', ...(protocols === undefined ? {} : { protocols }) }, rule: 'name: database url', credentials: true };
  }
  if (/(?:^|_)(?:URL|URI|ENDPOINT)$/.test(upper)) return { spec: { type: 'url' }, rule: `name: *_${/(URL|URI|ENDPOINT)$/.exec(upper)![1]}` };
  if (/(?:^|_)DSN$/.test(upper)) return { spec: { type: 'url' }, rule: 'name: *_DSN' };
  if (/(?:^|_)EMAIL(?:_ADDRESS)?$|_FROM_ADDRESS$/.test(upper)) return { spec: { type: 'email' }, rule: 'name: *_EMAIL' };
  if (/(?:^|_)PORT$/.test(upper)) return { spec: { type: 'port' }, rule: 'name: *_PORT' };
  if (/(?:^|_)(?:HOST|HOSTNAME|DOMAIN|SERVER)$/.test(upper)) return { spec: { type: 'hostname' }, rule: `name: *_${/(HOST|HOSTNAME|DOMAIN|SERVER)$/.exec(upper)![1]}` };
  if (/(?:^|_)VAPID_PRIVATE_KEY$/.test(upper)) return { spec: { type: 'bytes', encoding: 'base64url', length: 32 }, rule: 'name: VAPID private key' };
  if (/(?:^|_)VAPID_PUBLIC_KEY$/.test(upper)) return { spec: { type: 'bytes', encoding: 'base64url', length: 65 }, rule: 'name: VAPID public key' };
  if (/(?:^|_)PRIVATE_KEY$/.test(upper)) return { spec: { type: 'private-key' }, rule: 'name: *_PRIVATE_KEY' };
  return undefined;
}
