import { describe, expect, it } from 'vitest';
import { parseDotenvAnnotated } from '../../src/core/dotenv.js';
import { readHints } from '../../src/core/infer/hints.js';
import { isPasswordName, nameRuleOf, publicPrefixOf, secretSegmentOf } from '../../src/core/infer/names.js';
import { placeholderOf } from '../../src/core/infer/placeholders.js';
import { inferManifest, summarizeSpec } from '../../src/core/infer-manifest.js';
import { parseManifest } from '../../src/core/manifest.js';
import { generateFake } from '../../src/core/types/index.js';

function infer(lines: readonly string[]) {
  const inference = inferManifest(parseDotenvAnnotated(`${lines.join('\n')}\n`, '.env.example'), './schema.json');
  expect(() => parseManifest(JSON.stringify(inference.document), '/p/devsecrets.json', '/p')).not.toThrow();
  return inference;
}

const vars = (lines: readonly string[]) => infer(lines).document.vars;

describe('inferManifest', () => {
  it('guesses types and secrets and produces a valid manifest', () => {
    const document = infer([
      'PORT=3000',
      'DEBUG=false',
      'RATIO=0.5',
      'WORKERS=4',
      'CACHE_TTL=5m',
      'ADMIN_EMAIL=admin@example.com',
      'REQUEST_ID_NAMESPACE=0f8fad5b-d9cb-469f-a165-70867728950e',
      'DATABASE_URL=postgres://user:pass@localhost:5432/app?sslmode=require',
      'PUBLIC_URL=https://app.acme.dev',
      'STRIPE_SECRET_KEY=sk_test_123',
      'JWT_PRIVATE_KEY=',
      'APP_NAME=shop',
      'FEATURES={"beta":true,"limits":[1,2]}',
      'STRIPE_WEBHOOK_SECRET=whsec_0123456789abcdefABCDEF0123456789',
      'STRIPE_LIVE_KEY=sk_live_0123456789abcdefABCDEFgh',
      'DEPLOY_TOKEN=0123456789abcdef0123456789abcdef',
    ]).document;
    expect(document.vars).toMatchObject({
      PORT: { type: 'port', default: 3000 },
      DEBUG: { type: 'bool', default: false },
      RATIO: { type: 'number', default: 0.5 },
      WORKERS: { type: 'int', default: 4 },
      CACHE_TTL: { type: 'duration', default: '5m' },
      ADMIN_EMAIL: { type: 'email' },
      REQUEST_ID_NAMESPACE: { type: 'uuid' },
      DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true },
      // A dev example shows http, production uses https: both are accepted.
      PUBLIC_URL: { type: 'url', protocols: ['https', 'http'], default: 'https://app.acme.dev' },
      STRIPE_SECRET_KEY: { type: 'token', prefix: 'sk_live_', secret: true },
      STRIPE_WEBHOOK_SECRET: { type: 'token', prefix: 'whsec_', length: 38, secret: true },
      // The manifest describes production; fakes read the prefix in its test spelling.
      STRIPE_LIVE_KEY: { type: 'token', prefix: 'sk_live_', length: 32, secret: true },
      DEPLOY_TOKEN: { type: 'token', length: 32, charset: 'hex', secret: true },
      FEATURES: { type: 'json' },
      JWT_PRIVATE_KEY: { type: 'private-key', secret: true },
      APP_NAME: { type: 'string', default: 'shop' },
    });
    expect(document.vars.STRIPE_SECRET_KEY).not.toHaveProperty('default');
    expect(generateFake('STRIPE_LIVE_KEY', document.vars.STRIPE_LIVE_KEY!, new Uint8Array(32).fill(1))).toMatch(/^sk_test_FAKE[A-Za-z0-9]{20}$/);
    // An address on a reserved example domain is a placeholder: no default.
    expect(document.vars.ADMIN_EMAIL).not.toHaveProperty('default');
  });

  it('names: urls, database urls, emails, ports, hosts; public prefixes are never secret', () => {
    expect(vars([
      'NEXTAUTH_URL=',
      'ADDITIONAL_REDIRECT_URLS=',
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318',
      'PG_DATABASE_URL=postgres://twenty:twenty@localhost:5432/default',
      'REDIS_URL=',
      'SEND_FEEDBACK_EMAIL=',
      'EMAIL_FROM=noreply@documenso.com',
      'TWILIO_FROM=',
      'SMTP_PORT=',
      'SMTP_HOST=smtp.office365.com',
      'DB_HOST=/var/run/postgresql',
      'NEXT_PUBLIC_ZENDESK_KEY=',
      'NEXT_PUBLIC_SENTRY_DSN=',
      'VITE_BACKEND_WS_URL=ws://localhost:3170/graphql',
    ])).toEqual({
      NEXTAUTH_URL: { type: 'url', required: false, fake: false },
      ADDITIONAL_REDIRECT_URLS: { type: 'url', list: true, required: false, fake: false },
      OTEL_EXPORTER_OTLP_ENDPOINT: { type: 'url', protocols: ['https', 'http'], default: 'http://localhost:4318' },
      PG_DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true },
      REDIS_URL: { type: 'url', protocols: ['redis', 'rediss'], secret: true },
      SEND_FEEDBACK_EMAIL: { type: 'email', required: false, fake: false },
      EMAIL_FROM: { type: 'email', default: 'noreply@documenso.com' },
      // `*_FROM` is an address only when the file shows one: Twilio's is a phone number.
      TWILIO_FROM: { type: 'string', required: false, fake: false },
      SMTP_PORT: { type: 'port', required: false, fake: false },
      SMTP_HOST: { type: 'hostname', default: 'smtp.office365.com' },
      // The name says host, the value is a socket folder: the value wins, so the manifest accepts it.
      DB_HOST: { type: 'string', default: '/var/run/postgresql' },
      NEXT_PUBLIC_ZENDESK_KEY: { type: 'token', charset: 'base64url', required: false, fake: false },
      NEXT_PUBLIC_SENTRY_DSN: { type: 'url', required: false, fake: false },
      VITE_BACKEND_WS_URL: { type: 'url', protocols: ['wss', 'ws'], default: 'ws://localhost:3170/graphql' },
    });
  });

  it('a commented-out assignment shows the form of the live one, never its default', () => {
    const inferred = vars([
      '# SAML_DATABASE_URL="postgresql://postgres:@localhost:5450/cal-saml"',
      'SAML_DATABASE_URL=',
      "# NEXTAUTH_URL='http://localhost:3000'",
      'NEXTAUTH_URL=',
      '# NEXTAUTH_COOKIE_DOMAIN=.example.com',
      'NEXTAUTH_COOKIE_DOMAIN=',
      '# FEATURE_ENABLED=true',
      'FEATURE_ENABLED=',
    ]);
    expect(inferred).toEqual({
      SAML_DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true },
      NEXTAUTH_URL: { type: 'url', protocols: ['https', 'http'], required: false, fake: false },
      NEXTAUTH_COOKIE_DOMAIN: { type: 'hostname', leadingDot: true, required: false, fake: false },
      FEATURE_ENABLED: { type: 'bool', required: false, fake: false },
    });
  });

  it('comments: generators, lengths, switches and options; the block above becomes the description', () => {
    const inferred = vars([
      '# You can use: `openssl rand -base64 32` to generate one',
      'NEXTAUTH_SECRET=',
      '# must be 32 bytes for AES256 encryption algorithm',
      '# You can use: `openssl rand -base64 24` to generate one',
      'CALENDSO_ENCRYPTION_KEY=',
      '# Must be 256 bits, 64 string characters in hex format, generate via: openssl rand -hex 32',
      'ENCRYPTION_KEY="0000000000000000000000000000000000000000000000000000000000000000"',
      '# Make sure to use `rake secret` to generate secrets',
      'SECRET_KEY_BASE=',
      '# REQUIRED: This should be a random string of at least 32 characters',
      'NEXT_PRIVATE_ENCRYPTION_KEY="CAFEBABE"',
      "# Set this to '1' if you don't want Cal to collect anonymous usage",
      'CALCOM_TELEMETRY_DISABLED=',
      '# OPTIONAL: Set to "true" to disable anonymous telemetry for self-hosted instances.',
      'DOCUMENSO_DISABLE_TELEMETRY=',
      '# The transport to use for document signing. Available options: local (default) | gcloud-hsm',
      'NEXT_PRIVATE_SIGNING_TRANSPORT="local"',
      "# Can be: 'none', 'peer', 'client_once', 'fail_if_no_peer_cert'",
      'SMTP_OPENSSL_VERIFY_MODE=peer',
      '# This lets you control new sign ups',
      '# true : default option, allows sign ups',
      '# false : disables all the end points related to sign ups',
      '# api_only: disables the UI for signup',
      'ENABLE_ACCOUNT_SIGNUP=false',
      'RATE_LIMIT_TTL=60 # In seconds',
    ]);
    expect(inferred).toMatchObject({
      NEXTAUTH_SECRET: { type: 'bytes', encoding: 'base64', length: 32, secret: true, description: 'You can use: `openssl rand -base64 32` to generate one' },
      // The generator is the more precise word: 24 random bytes are 32 characters of base64.
      CALENDSO_ENCRYPTION_KEY: { type: 'bytes', encoding: 'base64', length: 24, secret: true },
      ENCRYPTION_KEY: { type: 'bytes', encoding: 'hex', length: 32, secret: true },
      SECRET_KEY_BASE: { type: 'bytes', encoding: 'hex', length: 64, secret: true },
      NEXT_PRIVATE_ENCRYPTION_KEY: { type: 'string', minLength: 32, secret: true },
      CALCOM_TELEMETRY_DISABLED: { type: 'enum', values: ['0', '1'], required: false, fake: false },
      DOCUMENSO_DISABLE_TELEMETRY: { type: 'bool', required: false, fake: false },
      NEXT_PRIVATE_SIGNING_TRANSPORT: { type: 'enum', values: ['local', 'gcloud-hsm'], default: 'local' },
      SMTP_OPENSSL_VERIFY_MODE: { type: 'enum', values: ['none', 'peer', 'client_once', 'fail_if_no_peer_cert'], default: 'peer' },
      ENABLE_ACCOUNT_SIGNUP: { type: 'enum', values: ['true', 'false', 'api_only'], default: 'false' },
      RATE_LIMIT_TTL: { type: 'int', default: 60, description: 'In seconds' },
    });
  });

  it('comments: a length no manifest takes (0, or beyond what a key could be) is not read, so the manifest stays valid', () => {
    const inferred = vars([
      '# openssl rand -hex 0',
      'SECRET_KEY=',
      '# must be 0 characters',
      'API_KEY=',
      '# openssl rand -base64 99999999999',
      'SESSION_SECRET=',
      '# 99999999999999999999 characters',
      'API_TOKEN=',
    ]);
    expect(inferred).toMatchObject({
      SECRET_KEY: { type: 'token', charset: 'base64url', secret: true },
      API_KEY: { type: 'token', charset: 'base64url', secret: true },
      SESSION_SECRET: { type: 'token', charset: 'base64url', secret: true },
      API_TOKEN: { type: 'token', charset: 'base64url', secret: true },
    });
    for (const spec of Object.values(inferred)) expect(spec).not.toHaveProperty('length');
  });

  it('values: JWTs signed with another variable, base64, hex, vendor prefixes with their alphabet, switches', () => {
    const inferred = vars([
      'JWT_SECRET=your-super-secret-jwt-token-with-at-least-32-characters-long',
      'ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyAgCiAgICAicm9sZSI6ICJhbm9uIiwKICAgICJpc3MiOiAic3VwYWJhc2UtZGVtbyIsCiAgICAiaWF0IjogMTY0MTc2OTIwMCwKICAgICJleHAiOiAxNzk5NTM1NjAwCn0.dc_X5iR_VP_qT0zsiyj_I_OZ2T9FtRU2BBNWN8Bu4GE',
      'SECRET_KEY_BASE=UpNVntn3cDxHJpq99YMc1T1AQgQpc8kfYTuRgBiYa15BLrx8etQoXz3gZv1/u2oq',
      'AUTH_SECRET=5lrMXKKWCVocS/uerPsl7V+TX/aaUaI7iDkgl3tSmLE=',
      'S3_PROTOCOL_ACCESS_KEY_SECRET=850181e4652dd023b7a98c58ae0d2d34bd487ee0cc3254aed6eda37307425907',
      'OPENAI_API_KEY=sk-proj-Ab3_cD4-eF5gH6iJ7kL8mN9oP0qR1sT2',
      'SLACK_BOT_TOKEN=xoxb-1234567890-abcdefGHIJ',
      'GITHUB_TOKEN=github_pat_11ABCDEFG0abcdefghijkl_mnopqrSTUVWX',
      'DEBUG=False',
      'SUPERSET_LOAD_EXAMPLES=yes',
      '_APP_OPTIONS_ABUSE=disabled',
      'NEXT_PUBLIC_ENABLE_OAUTH=0',
      'DOCKERIZED=1',
    ]);
    expect(inferred).toMatchObject({
      JWT_SECRET: { type: 'string', minLength: 32, secret: true },
      ANON_KEY: { type: 'jwt', alg: 'HS256', claims: { role: 'anon' }, requiredClaims: ['iss', 'iat', 'exp'], signedWith: 'JWT_SECRET', secret: true },
      SECRET_KEY_BASE: { type: 'bytes', encoding: 'base64', length: 48, secret: true },
      AUTH_SECRET: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
      S3_PROTOCOL_ACCESS_KEY_SECRET: { type: 'bytes', encoding: 'hex', length: 32, secret: true },
      OPENAI_API_KEY: { type: 'token', prefix: 'sk-proj-', length: 40, charset: 'base64url', secret: true },
      SLACK_BOT_TOKEN: { type: 'token', prefix: 'xoxb-', length: 26, charset: 'base64url', secret: true },
      GITHUB_TOKEN: { type: 'token', prefix: 'github_pat_', charset: 'base64url', secret: true },
      DEBUG: { type: 'enum', values: ['True', 'False'], default: 'False' },
      SUPERSET_LOAD_EXAMPLES: { type: 'enum', values: ['yes', 'no'], default: 'yes' },
      _APP_OPTIONS_ABUSE: { type: 'enum', values: ['enabled', 'disabled'], default: 'disabled' },
      NEXT_PUBLIC_ENABLE_OAUTH: { type: 'enum', values: ['0', '1'], default: '0' },
      DOCKERIZED: { type: 'int', default: 1 },
    });
  });

  it('a public JWT keeps its example as its default and is not signed again', () => {
    const token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyAgCiAgICAicm9sZSI6ICJhbm9uIiwKICAgICJpc3MiOiAic3VwYWJhc2UtZGVtbyIsCiAgICAiaWF0IjogMTY0MTc2OTIwMCwKICAgICJleHAiOiAxNzk5NTM1NjAwCn0.dc_X5iR_VP_qT0zsiyj_I_OZ2T9FtRU2BBNWN8Bu4GE';
    const inferred = vars(['JWT_SECRET=your-super-secret-jwt-token-with-at-least-32-characters-long', `NEXT_PUBLIC_SUPABASE_ANON_KEY=${token}`]);
    expect(inferred.NEXT_PUBLIC_SUPABASE_ANON_KEY).toEqual({ type: 'jwt', alg: 'HS256', claims: { role: 'anon' }, requiredClaims: ['iss', 'iat', 'exp'], default: token });
  });

  it('placeholders never become a default, a prefix, a length or an alphabet', () => {
    const inferred = vars([
      "EMAIL_SERVER_USER='<office365_emailAddress>'",
      'POSTGRES_PASSWORD=your-super-secret-and-long-postgres-password',
      'OPENAI_API_KEY=sk-proj-xxxxxxxx',
      'SMTP_USER=fake_mail_user',
      'DASHBOARD_PASSWORD=this_password_is_insecure_and_should_be_updated',
      'ACCESS_TOKEN_SECRET=replace_me_with_a_random_string_access',
      'AWS_ACCESS_KEY_ID="access-key"',
      'GOOGLE_PROJECT_ID=GOOGLE_PROJECT_ID',
      'SECRET_KEY=---',
      'DATABASE_URL=postgresql://${PGUSER}:${PGPASSWORD}@${PGHOST}/${PGDATABASE}',
      'APP_URL=https://your-pocket-id-domain.com',
      'GOOGLE_CLIENT_ID="************************************************"',
      'ADMIN_USER_EMAIL={replace-me}',
      'MAIL_ENCRYPTION=null',
      'VAULT_ENC_KEY=your-32-character-encryption-key',
    ]);
    expect(inferred).toEqual({
      EMAIL_SERVER_USER: { type: 'string' },
      POSTGRES_PASSWORD: { type: 'string', secret: true },
      OPENAI_API_KEY: { type: 'token', charset: 'base64url', secret: true },
      SMTP_USER: { type: 'string' },
      DASHBOARD_PASSWORD: { type: 'string', secret: true },
      ACCESS_TOKEN_SECRET: { type: 'token', charset: 'base64url', secret: true },
      AWS_ACCESS_KEY_ID: { type: 'string' },
      GOOGLE_PROJECT_ID: { type: 'string' },
      SECRET_KEY: { type: 'token', charset: 'base64url', secret: true },
      // The scheme of an interpolated URL still counts: it is form, not a value.
      DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true },
      APP_URL: { type: 'url', protocols: ['https', 'http'] },
      GOOGLE_CLIENT_ID: { type: 'string' },
      ADMIN_USER_EMAIL: { type: 'email' },
      // Laravel reads `null` as not set: the app has its own default.
      MAIL_ENCRYPTION: { type: 'string', required: false, fake: false },
      // A placeholder's own words may say how long the value is.
      VAULT_ENC_KEY: { type: 'token', length: 32, secret: true },
    });
  });

  it('loader-control variables keep their rule', () => {
    expect(vars(['PYTHONPATH=/app/pythonpath:/app/docker/pythonpath_dev', 'NODE_OPTIONS='])).toEqual({
      PYTHONPATH: { type: 'string', loaderControl: true, default: '/app/pythonpath:/app/docker/pythonpath_dev' },
      NODE_OPTIONS: { type: 'string', loaderControl: true, required: false },
    });
  });

  it('says why, with names, types and rules only', () => {
    const { vars: inferred } = infer([
      '# You can use: `openssl rand -base64 32` to generate one',
      'NEXTAUTH_SECRET=',
      'EMAIL_SERVER_PASSWORD=<office365_password>',
      'NEXT_PUBLIC_ZENDESK_KEY=',
      'PORT=3000',
    ]);
    const lines = inferred.map(({ name, spec, reasons }) => `${name} ${summarizeSpec(spec)} ← ${reasons.join(', ')}`);
    expect(lines).toEqual([
      'NEXTAUTH_SECRET bytes(32, base64) secret ← value: empty, comment: openssl rand -base64 32, name: *_SECRET* is secret',
      'EMAIL_SERVER_PASSWORD string secret ← value: a <…> placeholder, name: a password (any characters), name: *_PASSWORD* is secret',
      'NEXT_PUBLIC_ZENDESK_KEY token(base64url) optional, no fake ← value: empty, name: a key or token, name: NEXT_PUBLIC_ ships to browsers, never secret',
      'PORT port default from the example ← value: port',
    ]);
    expect(lines.join('\n')).not.toContain('office365');
  });
});

describe('inference rules', () => {
  it('placeholders', () => {
    for (const [name, value] of [
      ['A', 'your-tenant-id'], ['A', 'notifications@yourselfhostedcal.com'], ['A', '<gmail_app_password>'], ['A', '{replace-me}'],
      ['A', 'sk-proj-xxxxxxxx'], ['A', 'https://xxx@xxx.ingest.sentry.io/xxx'], ['A', '****'], ['A', 'changeme'], ['A', 'REPLACE_ME_NOW!'],
      ['A', 'fixme-postgres-password'], ['A', 'TODO'], ['A', 'stub'], ['A', 'add some secret here'], ['A', 'secret-value'], ['A', 'DEADBEEF'],
      ['A', '${APP_NAME}'], ['REGION', 'REGION'], ['A', '---'], ['A', 'files.example.com'], ['A', '.example.com'], ['A', 'a...b'], ['A', 'your aws access key id'],
    ]) {
      expect(placeholderOf(name!, value!)?.kind, value).toBe('placeholder');
    }
    for (const value of ['', 'null', 'None']) expect(placeholderOf('A', value)?.kind).toBe('empty');
    for (const value of ['postgres', 'secret1234', 'Team Plane <team@mailer.plane.so>', 'Chatwoot <accounts@chatwoot.com>', 'localhost', 'unknown', 'Your code is {{ .Code }}', '0', 'J5brHrAXFLQSif0K', 'mmuser_password']) {
      expect(placeholderOf('A', value), value).toBeUndefined();
    }
  });

  it('names', () => {
    expect(['DB_PASSWORD', 'PGPASSWORD', 'CLIENT_SECRET_GITHUB', '_APP_OPENSSL_KEY_V1', 'SECRET_KEY_BASE', 'TWILIO_AUTH', 'SENTRY_DSN', 'ANON_KEY'].map(secretSegmentOf)).toEqual(
      ['PASSWORD', 'PASSWORD', 'SECRET', 'KEY', 'KEY', 'AUTH', 'DSN', 'KEY'],
    );
    for (const name of ['ACCESS_TOKEN_VALIDITY', 'MIN_PASSWORD_LENGTH', 'PASSWORD_RESET_DISABLED', 'TOKEN_SALT_COMPLEXITY', 'API_KEY_PREFIX', 'KEY_PATH', 'KEYS_STORAGE', 'VAPID_PUBLIC_KEY', 'AUTH_GOOGLE_ENABLED', 'SMTP_AUTHENTICATION', 'NEXTAUTH_URL', 'OIDC_URL_TOKEN', 'AWS_ACCESS_KEY_ID']) {
      expect(secretSegmentOf(name), name).toBeUndefined();
    }
    expect(['NEXT_PUBLIC_X', 'VITE_X', 'PUBLIC_X', 'REACT_APP_X', 'EXPO_PUBLIC_X', 'NUXT_PUBLIC_X', 'GATSBY_X', 'MIX_X'].map(publicPrefixOf).every((prefix) => prefix !== undefined)).toBe(true);
    expect(publicPrefixOf('NEXT_PRIVATE_X')).toBeUndefined();
    expect(isPasswordName('SMTP_PASS')).toBe(true);
    expect(isPasswordName('PASSWORD_RESET_DISABLED')).toBe(false);
    expect(nameRuleOf('MONGODB_URI')?.spec).toEqual({ type: 'url', protocols: ['mongodb', 'mongodb+srv'] });
    expect(nameRuleOf('DATABASE_URL')).toMatchObject({ spec: { type: 'url' }, credentials: true });
    expect(nameRuleOf('SAML_DATABASE_URL')?.credentials).toBe(true);
    expect(nameRuleOf('NEXT_PUBLIC_WEBAPP_URL')?.credentials).toBeUndefined();
  });

  it('hints', () => {
    expect(readHints(['You can use: `openssl rand -hex 32` to generate one']).generator).toEqual({ encoding: 'hex', length: 32, source: 'openssl rand -hex 32' });
    expect(readHints(['your encryption key 32 chars min'], true).length).toEqual({ min: 32, source: 'at least 32 characters' });
    expect(readHints(['your 32 character encryption key'], true).length).toEqual({ exact: 32, source: '32 characters' });
    expect(readHints(['Set it to "1" if you need to run E2E tests locally']).flag).toEqual({ on: '1', source: "set to '1'" });
    expect(readHints(['Set to \'failed_attempts\' to lock user accounts']).flag).toBeUndefined();
    expect(readHints(['Available options: database (default) | s3']).options?.values).toEqual(['database', 's3']);
    // Lines of prose with a colon are not a list of values.
    expect(readHints(['Documentation: https://example.test', 'Note: see above']).options).toBeUndefined();
  });
});
