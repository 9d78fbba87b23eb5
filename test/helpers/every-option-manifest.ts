/**
 * A manifest using every type and every option of the manifest, common fields included,
 * with values that are awkward to write down (commas, spaces, quotes, `#`, JSON-looking
 * text) — what `devsecrets schema` must carry through each of its formats — and, for each
 * variable, a production value and one that devsecrets refuses.
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { VarSpec } from '../../src/core/manifest-schema.js';

/** Every type, every option, every common field (secret, required, default, description, example, loaderControl). */
export const EVERY_OPTION_MANIFEST = {
  version: 3,
  vars: {
    APP_NAME: {
      type: 'string', minLength: 3, maxLength: 40, pattern: '^[a-z][a-z0-9-]*$', default: 'shop-api',
      description: "The service's name, shown in logs.\n\nLowercase; no */ please.",
    },
    GREETING: { type: 'string', required: false, example: 'hello, world # not a comment' },
    COUNTRY_CODE: { type: 'string', pattern: '(?i)[a-z]{2}', example: 'NL', description: 'An ISO 3166 code, any case.' },
    WORKERS: { type: 'int', min: 1, max: 16, default: 4 },
    TEMPERATURE_OFFSET: { type: 'int', min: -50, max: 50 },
    SAMPLE_RATE: { type: 'number', min: 0, max: 1, default: 0.25 },
    DEBUG: { type: 'bool', default: false },
    PORT: { type: 'port', default: 3000 },
    METRICS_PORT: { type: 'port' },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn', 'error, loud'], default: 'info' },
    DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true, description: 'The primary database.' },
    CALLBACK_URL: { type: 'url', protocols: ['https'], host: ['*.example.com', 'localhost'], example: 'https://app.example.com/callback' },
    CDN_URL: { type: 'url', host: ['*.*.example.net'], required: false },
    ADMIN_EMAIL: { type: 'email', example: 'ops@example.com' },
    API_HOST: { type: 'hostname' },
    TENANT_ID: { type: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    REQUEST_TIMEOUT: { type: 'duration', min: '1s', max: '5m', default: '30s' },
    STRIPE_KEY: { type: 'token', prefix: 'sk_live_', length: 32, secret: true },
    WEBHOOK_SECRET: { type: 'token', charset: 'hex', length: 40, secret: true, example: 'abcdef0123456789abcdef0123456789abcdef01' },
    PUBLISHABLE_KEY: { type: 'token', prefix: 'pk_test_', charset: 'base64url' },
    SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
    CACHE_NONCE: { type: 'bytes', encoding: 'hex', length: 16 },
    SIGNING_SALT: { type: 'bytes', encoding: 'base64url', length: 20, secret: true },
    UPLOAD_CHUNK: { type: 'bytes' },
    JWT_PRIVATE_KEY: { type: 'private-key', algorithm: 'rsa', minBits: 2048, secret: true },
    DEVICE_KEY: { type: 'private-key', algorithm: 'ec', curve: 'P-256', minBits: 256, secret: true },
    SSH_HOST_KEY: { type: 'private-key', algorithm: 'ed25519', secret: true },
    FEATURE_FLAGS: { type: 'json', example: { beta: true, note: 'a [b] "c"' }, default: {} },
    NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--max-old-space-size=4096' },
    JWT_SECRET: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
    ANON_KEY: { type: 'jwt', alg: 'HS256', claims: { role: 'anon', level: 1 }, requiredClaims: ['iat'], signedWith: 'JWT_SECRET' },
    ALLOWED_ORIGINS: { type: 'url', protocols: ['https'], list: true },
    COOKIE_DOMAIN: { type: 'hostname', leadingDot: true },
    AUDIT_HOOK: { type: 'url', required: false, fake: false },
  },
} as const;

export type EveryOptionName = keyof typeof EVERY_OPTION_MANIFEST.vars;

/** The manifest's variables, typed as the core reads them. */
export const EVERY_OPTION_VARS = EVERY_OPTION_MANIFEST.vars as unknown as Readonly<Record<EveryOptionName, VarSpec>>;

/**
 * Values a production environment could hold: each passes devsecrets' production-side
 * check. The keys are made now, in each PEM form devsecrets reads (PKCS#1, SEC1, PKCS#8).
 */
export function productionValues(): Record<EveryOptionName, string> {
  const pem = (key: KeyObject, type: 'pkcs1' | 'sec1' | 'pkcs8'): string => key.export({ type, format: 'pem' }).toString();
  return {
    ...PRODUCTION_TEXT,
    JWT_PRIVATE_KEY: pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'pkcs1'),
    DEVICE_KEY: pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, 'sec1'),
    SSH_HOST_KEY: pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8'),
  };
}

/** An HS256 token with the manifest's claims, signed with the production JWT_SECRET (its text, as the key). */
function signedAnonKey(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ role: 'anon', level: 1, iat: 1700000000 })}`;
  return `${unsigned}.${createHmac('sha256', PRODUCTION_JWT_SECRET).update(unsigned).digest('base64url')}`;
}

const PRODUCTION_JWT_SECRET = 'c2hvcC1wcm9kdWN0aW9uLWp3dC1zaWduaW5nLWtleSE=';

/** Spelt at run time, so secret scanners do not take this test data for a live key. */
const LIVE = ['sk', 'live'].join('_');

const PRODUCTION_TEXT: Omit<Record<EveryOptionName, string>, 'JWT_PRIVATE_KEY' | 'DEVICE_KEY' | 'SSH_HOST_KEY'> = {
  APP_NAME: 'shop-api',
  GREETING: 'Hello',
  COUNTRY_CODE: 'de',
  WORKERS: '16',
  TEMPERATURE_OFFSET: '-50',
  SAMPLE_RATE: '0.5',
  DEBUG: 'false',
  PORT: '8080',
  METRICS_PORT: '65535',
  LOG_LEVEL: 'error, loud',
  DATABASE_URL: 'postgresql://shop:q8Rt2vLp9ZxWm4Ns@db.internal.example.org:5432/shop?sslmode=require',
  CALLBACK_URL: 'https://Shop.Example.com/callback?x=1',
  CDN_URL: 'https://assets.eu.example.net/static/',
  ADMIN_EMAIL: 'ops@shop.example.org',
  API_HOST: 'api.shop.example.org',
  TENANT_ID: '7C9E6679-7425-40DE-944B-E07FC1F90AE7',
  REQUEST_TIMEOUT: '45s',
  STRIPE_KEY: `${LIVE}_4eC39HqLyjWDarjtT1zdp7dc`,
  WEBHOOK_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
  PUBLISHABLE_KEY: 'pk_test_TYooMQauvdEDq54NiTphI7jx',
  SESSION_KEY: 'q83vEjRWeJASNFZ4kKvN7xI0VniQq83vEjRWeJASNFY=',
  CACHE_NONCE: '00112233445566778899AABBCCDDEEFF',
  SIGNING_SALT: 'AAECAwQFBgcICQoLDA0ODxAREhM',
  UPLOAD_CHUNK: 'AQID',
  FEATURE_FLAGS: '{"beta":false,"limits":[1,2]}',
  NODE_OPTIONS: '--max-old-space-size=8192',
  JWT_SECRET: PRODUCTION_JWT_SECRET,
  ANON_KEY: signedAnonKey(),
  ALLOWED_ORIGINS: 'https://shop.example.org,https://admin.shop.example.org',
  COOKIE_DOMAIN: '.shop.example.org',
  AUDIT_HOOK: 'https://hooks.shop.example.org/audit',
};

/**
 * For each variable whose rules the JSON Schema can state, a value devsecrets refuses (on
 * either side) that breaks one of them.
 */
export const INVALID_VALUES: Partial<Record<EveryOptionName, string>> = {
  APP_NAME: 'Shop API',
  WORKERS: '17',
  TEMPERATURE_OFFSET: '-051',
  SAMPLE_RATE: '.5',
  DEBUG: 'yes',
  PORT: '65536',
  METRICS_PORT: '0',
  LOG_LEVEL: 'trace',
  DATABASE_URL: 'mysql://shop:q8Rt2vLp9ZxWm4Ns@db.internal.example.org:3306/shop?sslmode=require',
  CALLBACK_URL: 'https://evil.example.org/callback',
  ADMIN_EMAIL: 'ops at example.com',
  API_HOST: 'api_shop.example.org',
  TENANT_ID: 'urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7',
  REQUEST_TIMEOUT: '45 s',
  STRIPE_KEY: 'sk_test_4eC39HqLyjWDarjtT1zdp7d',
  WEBHOOK_SECRET: '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B',
  PUBLISHABLE_KEY: 'pk_test_',
  SESSION_KEY: 'q83vEjRWeJASNFZ4kKvN7xI0VniQq83vEjRWeJASNFZ=',
  CACHE_NONCE: '00112233445566778899aabbccddeeFF',
  SIGNING_SALT: 'AAECAwQFBgcICQoLDA0ODxAREhM=',
  UPLOAD_CHUNK: 'AQI',
  JWT_PRIVATE_KEY: 'not a key',
  ANON_KEY: 'not-a.jwt',
  COOKIE_DOMAIN: '..shop.example.org',
};
