/**
 * `devsecrets init --from` on the example files of 22 real projects
 * (test/fixtures/env-examples, see its README), with the built CLI. For every file:
 *
 * - init succeeds, says what it inferred for every variable, and prints no value;
 * - the inferred manifest is valid, and `check --env-file` on the very file it came from
 *   reports nothing for a variable whose example is a real value. A placeholder or an empty
 *   value may be refused (that is what a placeholder is for); the placeholders of each file
 *   are listed below, so that what counts as one is pinned down. The only findings allowed
 *   on real values are `INSECURE_VALUE` for the weak demo passwords some files put in
 *   database URLs: they judge the value, not the manifest;
 * - the store is seeded, and `run` gives the child fakes of the type a careful reader of the
 *   file would pick (spot checks per file);
 * - no placeholder becomes a default, a token prefix or part of a fake.
 */
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, cleanupProjects, createProject, type Project } from '../helpers/cli.js';
import { dotenvToRecord, parseDotenv } from '../../src/core/dotenv.js';
import { isSignedWith, parseJwt } from '../../src/core/types/index.js';

afterEach(cleanupProjects);

const CORPUS = join(REPO, 'test', 'fixtures', 'env-examples');
const FILES = readdirSync(CORPUS).filter((file) => file !== 'README.md').sort();
const SEED = 'c3'.repeat(32);

/** The non-empty placeholders of each file (see src/core/infer/placeholders.ts for the rules). */
const PLACEHOLDERS: Record<string, string[]> = {
  'appwrite.env': ['_APP_OPENSSL_KEY_V1', '_APP_DB_PASS', '_APP_EXECUTOR_SECRET'],
  'cal.com.env.example': ['NEXTAUTH_COOKIE_DOMAIN', 'EMAIL_FROM', 'EMAIL_SERVER_USER', 'EMAIL_SERVER_PASSWORD'],
  'chatwoot.env.example': ['SECRET_KEY_BASE'],
  'documenso.env.example': ['NEXTAUTH_SECRET', 'NEXT_PRIVATE_ENCRYPTION_KEY', 'NEXT_PRIVATE_ENCRYPTION_SECONDARY_KEY', 'NEXT_PRIVATE_UPLOAD_SECRET_ACCESS_KEY', 'NEXT_PRIVATE_SMTP_PASSWORD'],
  'formbricks.env.example': ['MAIL_FROM'],
  'healthchecks-docker.env': ['DB_PASSWORD', 'DEFAULT_FROM_EMAIL', 'SECRET_KEY'],
  'hoppscotch.env.example': ['SESSION_SECRET', 'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET', 'MAILER_ADDRESS_FROM'],
  'huginn.env.example': ['APP_SECRET_TOKEN', 'SMTP_DOMAIN', 'AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'],
  'immich-docker-example.env': ['UPLOAD_LOCATION'],
  'infisical.env.example': ['DB_CONNECTION_URI'],
  'langfuse.env.prod.example': ['NEXTAUTH_SECRET', 'SALT', 'ENCRYPTION_KEY'],
  'laravel.env.example': ['MAIL_FROM_ADDRESS', 'MAIL_FROM_NAME', 'MIX_PUSHER_APP_KEY', 'MIX_PUSHER_APP_CLUSTER'],
  'mastodon.env.production.sample': ['LOCAL_DOMAIN', 'ES_PASS', 'SMTP_FROM_ADDRESS', 'S3_BUCKET', 'S3_ALIAS_HOST'],
  'mattermost-docker-env.example': ['DOMAIN', 'MM_SQLSETTINGS_DATASOURCE', 'MM_SERVICESETTINGS_SITEURL'],
  'maybe.env.example': ['SECRET_KEY_BASE'],
  'netbox-docker-netbox.env': ['SUPERUSER_EMAIL'],
  'plane.env.example': ['DATABASE_URL', 'REDIS_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  'pocket-id.env.example': ['APP_URL'],
  'saleor.env.example': ['DEFAULT_FROM_EMAIL', 'SECRET_KEY'],
  'supabase-docker.env.example': [
    'POSTGRES_PASSWORD', 'JWT_SECRET', 'DASHBOARD_PASSWORD', 'VAULT_ENC_KEY', 'PG_META_CRYPTO_KEY', 'LOGFLARE_PUBLIC_ACCESS_TOKEN',
    'LOGFLARE_PRIVATE_ACCESS_TOKEN', 'POOLER_TENANT_ID', 'OPENAI_API_KEY', 'SMTP_ADMIN_EMAIL', 'SMTP_USER', 'SMTP_PASS', 'SMTP_SENDER_NAME',
    'GLOBAL_S3_BUCKET', 'REGION', 'STORAGE_TENANT_ID', 'GOOGLE_PROJECT_ID', 'GOOGLE_PROJECT_NUMBER', 'PROXY_DOMAIN', 'CERTBOT_EMAIL',
  ],
  'superset-docker.env': [],
  'twenty-server.env.example': ['ACCESS_TOKEN_SECRET', 'LOGIN_TOKEN_SECRET', 'REFRESH_TOKEN_SECRET', 'FILE_TOKEN_SECRET'],
};

/** Real values `check` rightly calls insecure: demo passwords in URLs. */
const WEAK_DEMO_PASSWORDS: Record<string, string[]> = {
  'appwrite.env': ['_APP_SMS_PROVIDER'],
  'documenso.env.example': ['NEXT_PRIVATE_DATABASE_URL', 'NEXT_PRIVATE_DIRECT_DATABASE_URL'],
  'formbricks.env.example': ['DATABASE_URL'],
  'hoppscotch.env.example': ['MAILER_SMTP_URL'],
  'langfuse.env.prod.example': ['DATABASE_URL'],
  'twenty-server.env.example': ['PG_DATABASE_URL'],
};

type Spec = Record<string, unknown>;
type Env = Record<string, string | undefined>;

/** What a careful reader of each file would expect, variable by variable: the spec (in part) and, where it says something, the fake. */
const EXPECTED: Record<string, Record<string, { spec: Spec; fake?: (value: string | undefined, env: Env) => void }>> = {
  'cal.com.env.example': {
    NEXT_PUBLIC_WEBAPP_URL: { spec: { type: 'url', default: 'http://localhost:3000' }, fake: (value) => expect(value).toBe('http://localhost:3000') },
    NEXTAUTH_URL: { spec: { type: 'url', protocols: ['https', 'http'], required: false, fake: false }, fake: (value) => expect(value).toBeUndefined() },
    SAML_DATABASE_URL: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true }, fake: (value) => expect(value).toMatch(/^postgresql:\/\//) },
    NEXTAUTH_SECRET: { spec: { type: 'bytes', encoding: 'base64', length: 32, secret: true }, fake: (value) => expect(Buffer.from(value!, 'base64')).toHaveLength(32) },
    CALENDSO_ENCRYPTION_KEY: { spec: { type: 'bytes', encoding: 'base64', length: 24 }, fake: (value) => expect(value).toHaveLength(32) },
    NEXTAUTH_COOKIE_DOMAIN: { spec: { type: 'hostname', leadingDot: true }, fake: (value) => expect(value).toMatch(/^\.fake-[a-z0-9]+\.example\.test$/) },
    NEXT_PUBLIC_ZENDESK_KEY: { spec: { required: false, fake: false }, fake: (value) => expect(value).toBeUndefined() },
    PGSSLMODE: { spec: { type: 'string', required: false, fake: false }, fake: (value) => expect(value).toBeUndefined() },
    CALCOM_TELEMETRY_DISABLED: { spec: { type: 'enum', values: ['0', '1'], required: false } },
    EMAIL_SERVER_USER: { spec: { type: 'string' }, fake: (value) => expect(value).toMatch(/^fake-/) },
    EMAIL_SERVER_PORT: { spec: { type: 'port', default: 587 } },
    CRON_API_KEY: { spec: { type: 'bytes', encoding: 'hex', length: 16, secret: true } },
    EMAIL_FROM: { spec: { type: 'email' }, fake: (value) => expect(value).toMatch(/@example\.test$/) },
  },
  'supabase-docker.env.example': {
    ANON_KEY: {
      spec: { type: 'jwt', claims: { role: 'anon' }, signedWith: 'JWT_SECRET', secret: true },
      fake: (value, env) => {
        expect(parseJwt(value!)?.payload).toMatchObject({ role: 'anon', devsecrets: 'fake' });
        expect(isSignedWith(value!, env.JWT_SECRET!, 'HS256')).toBe(true);
      },
    },
    SERVICE_ROLE_KEY: { spec: { type: 'jwt', claims: { role: 'service_role' }, signedWith: 'JWT_SECRET' }, fake: (value, env) => expect(isSignedWith(value!, env.JWT_SECRET!, 'HS256')).toBe(true) },
    JWT_SECRET: { spec: { type: 'string', minLength: 32, secret: true }, fake: (value) => expect(value!.length).toBeGreaterThanOrEqual(32) },
    SECRET_KEY_BASE: { spec: { type: 'bytes', encoding: 'base64', length: 48 } },
    VAULT_ENC_KEY: { spec: { type: 'token', length: 32 }, fake: (value) => expect(value).toHaveLength(32) },
    OPENAI_API_KEY: { spec: { type: 'token', charset: 'base64url', secret: true } },
    POSTGRES_PASSWORD: { spec: { type: 'string', secret: true } },
    ADDITIONAL_REDIRECT_URLS: { spec: { type: 'url', list: true, required: false, fake: false }, fake: (value) => expect(value).toBeUndefined() },
    SITE_URL: { spec: { type: 'url', protocols: ['https', 'http'] } },
    POSTGRES_PORT: { spec: { type: 'port', default: 5432 } },
    SMTP_USER: { spec: { type: 'string' } },
    PROXY_DOMAIN: { spec: { type: 'hostname' } },
  },
  'documenso.env.example': {
    NEXT_PRIVATE_DATABASE_URL: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true } },
    NEXT_PRIVATE_ENCRYPTION_KEY: { spec: { type: 'string', minLength: 32, secret: true }, fake: (value) => expect(value!.length).toBeGreaterThanOrEqual(32) },
    NEXT_PRIVATE_SIGNING_TRANSPORT: { spec: { type: 'enum', values: ['local', 'gcloud-hsm'], default: 'local' } },
    NEXT_PUBLIC_UPLOAD_TRANSPORT: { spec: { type: 'enum', values: ['database', 's3'] } },
    NEXT_PRIVATE_SMTP_TRANSPORT: { spec: { type: 'enum', values: ['smtp-auth', 'smtp-api', 'mailchannels'] } },
    NEXT_PRIVATE_SMTP_FROM_ADDRESS: { spec: { type: 'email', default: 'noreply@documenso.com' } },
    NEXT_PRIVATE_MAILCHANNELS_DKIM_PRIVATE_KEY: { spec: { type: 'private-key', secret: true }, fake: (value) => expect(value).toContain('PRIVATE KEY') },
    NEXT_PUBLIC_POSTHOG_KEY: { spec: { required: false, fake: false } },
  },
  'twenty-server.env.example': {
    PG_DATABASE_URL: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true } },
    ACCESS_TOKEN_SECRET: { spec: { secret: true } },
  },
  'plane.env.example': {
    DATABASE_URL: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true } },
    REDIS_URL: { spec: { type: 'url', protocols: ['redis', 'rediss'], secret: true }, fake: (value) => expect(value).toMatch(/^redis:\/\//) },
    PGPASSWORD: { spec: { type: 'string', secret: true } },
    NEXT_PUBLIC_ENABLE_OAUTH: { spec: { type: 'enum', values: ['0', '1'], default: '0' } },
    EMAIL_FROM: { spec: { type: 'string', default: 'Team Plane <team@mailer.plane.so>' } },
    NEXT_PUBLIC_SENTRY_DSN: { spec: { type: 'url', required: false } },
  },
  'mastodon.env.production.sample': {
    SECRET_KEY_BASE: { spec: { type: 'bytes', encoding: 'hex', length: 64, secret: true }, fake: (value) => expect(value).toMatch(/^[0-9a-f]{128}$/) },
    VAPID_PRIVATE_KEY: { spec: { type: 'bytes', encoding: 'base64url', length: 32, secret: true } },
    DB_HOST: { spec: { type: 'string', default: '/var/run/postgresql' } },
    LOCAL_DOMAIN: { spec: { type: 'hostname' }, fake: (value) => expect(value).toMatch(/\.example\.test$/) },
    SMTP_FROM_ADDRESS: { spec: { type: 'email' } },
  },
  'chatwoot.env.example': {
    MAILER_SENDER_EMAIL: { spec: { type: 'string', default: 'Chatwoot <accounts@chatwoot.com>' } },
    ENABLE_ACCOUNT_SIGNUP: { spec: { type: 'enum', values: ['true', 'false', 'api_only'] } },
    SMTP_OPENSSL_VERIFY_MODE: { spec: { type: 'enum', values: ['none', 'peer', 'client_once', 'fail_if_no_peer_cert'] } },
    REDIS_URL: { spec: { type: 'url', protocols: ['redis', 'rediss'], secret: true } },
  },
  'huginn.env.example': {
    APP_SECRET_TOKEN: { spec: { type: 'bytes', encoding: 'hex', length: 64, secret: true } },
    DOMAIN: { spec: { type: 'string', default: 'localhost:3000' } },
    UNLOCK_STRATEGY: { spec: { type: 'enum', values: ['email', 'time', 'both', 'none'], default: 'both' } },
    EVENT_EXPIRATION_CHECK: { spec: { type: 'duration', default: '6h' } },
  },
  'maybe.env.example': {
    SECRET_KEY_BASE: { spec: { type: 'bytes', encoding: 'hex', length: 64, secret: true } },
  },
  'laravel.env.example': {
    MAIL_ENCRYPTION: { spec: { required: false, fake: false }, fake: (value) => expect(value).toBeUndefined() },
    MIX_PUSHER_APP_KEY: { spec: {} },
    APP_URL: { spec: { type: 'url', default: 'http://localhost' } },
  },
  'appwrite.env': {
    _APP_OPTIONS_ABUSE: { spec: { type: 'enum', values: ['enabled', 'disabled'], default: 'disabled' } },
    _APP_SMS_PROVIDER: { spec: { type: 'url', protocols: ['sms'], secret: true } },
    _APP_CONNECTIONS_DB_PROJECT: { spec: { type: 'string', secret: true } },
    _APP_SYSTEM_EMAIL_ADDRESS: { spec: { type: 'email', default: 'team@appwrite.io' } },
  },
  'hoppscotch.env.example': {
    WHITELISTED_ORIGINS: { spec: { type: 'url', list: true, protocols: ['https', 'http'] } },
    VITE_BACKEND_WS_URL: { spec: { type: 'url', protocols: ['wss', 'ws'] } },
    MAILER_SMTP_URL: { spec: { type: 'url', protocols: ['smtps'], secret: true } },
    MAGIC_LINK_TOKEN_VALIDITY: { spec: { type: 'int', default: 3 } },
  },
  'langfuse.env.prod.example': {
    NEXTAUTH_SECRET: { spec: { type: 'bytes', encoding: 'base64', length: 32, secret: true } },
    ENCRYPTION_KEY: { spec: { type: 'bytes', encoding: 'hex', length: 32, secret: true }, fake: (value) => expect(value).not.toMatch(/^0+$/) },
    OTEL_EXPORTER_OTLP_ENDPOINT: { spec: { type: 'url' } },
  },
  'infisical.env.example': {
    ENCRYPTION_KEY: { spec: { type: 'bytes', encoding: 'hex', length: 16, secret: true } },
    AUTH_SECRET: { spec: { type: 'bytes', encoding: 'base64', length: 32, secret: true } },
    DB_CONNECTION_URI: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true } },
    NEXT_PUBLIC_CAPTCHA_SITE_KEY: { spec: { required: false, fake: false } },
  },
  'formbricks.env.example': {
    ENCRYPTION_KEY: { spec: { type: 'bytes', encoding: 'hex', length: 32, secret: true }, fake: (value) => expect(value).toMatch(/^[0-9a-f]{64}$/) },
    DATABASE_URL: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true } },
    SMTP_SECURE_ENABLED: { spec: { type: 'enum', values: ['0', '1'], default: '0' } },
  },
  'immich-docker-example.env': {
    DB_HOSTNAME: { spec: { type: 'string', default: 'immich_postgres' } },
    IMMICH_SERVER_URL: { spec: { type: 'url' } },
    PUBLIC_LOGIN_PAGE_MESSAGE: { spec: { required: false, fake: false } },
  },
  'healthchecks-docker.env': {
    DEBUG: { spec: { type: 'enum', values: ['True', 'False'], default: 'False' } },
    SITE_ROOT: { spec: { type: 'url', default: 'http://localhost:8000' } },
    DEFAULT_FROM_EMAIL: { spec: { type: 'email' } },
  },
  'saleor.env.example': {
    CACHE_URL: { spec: { type: 'url', protocols: ['redis', 'rediss'], secret: true } },
    EMAIL_URL: { spec: { type: 'url', protocols: ['smtp'], default: 'smtp://localhost:1025' } },
  },
  'netbox-docker-netbox.env': {
    SECRET_KEY: { spec: { type: 'string', secret: true } },
    SUPERUSER_API_TOKEN: { spec: { type: 'token', charset: 'hex', length: 40, secret: true }, fake: (value) => expect(value).toMatch(/^fa4e[0-9a-f]{36}$/) },
    EMAIL_FROM: { spec: { type: 'email' } },
  },
  'superset-docker.env': {
    PYTHONPATH: { spec: { type: 'string', loaderControl: true, default: '/app/pythonpath:/app/docker/pythonpath_dev' } },
    SUPERSET_LOAD_EXAMPLES: { spec: { type: 'enum', values: ['yes', 'no'] } },
  },
  'mattermost-docker-env.example': {
    MM_SQLSETTINGS_DATASOURCE: { spec: { type: 'url', protocols: ['postgresql', 'postgres'], secret: true } },
    MM_SERVICESETTINGS_SITEURL: { spec: { type: 'url' } },
    HTTPS_PORT: { spec: { type: 'port', default: 443 } },
  },
  'pocket-id.env.example': {
    ENCRYPTION_KEY: { spec: { type: 'bytes', encoding: 'base64', length: 32, secret: true } },
    APP_URL: { spec: { type: 'url' }, fake: (value) => expect(value).toMatch(/^https:\/\/fake-/) },
  },
};

/** Words that only a placeholder puts in a value: a fake must never carry them. */
const PLACEHOLDER_WORDS = /your|xxx|\*\*\*|changeme|replace|insecure|fixme|\$\{|<|\{/i;

function initFrom(file: string): { project: Project; stderr: string } {
  const project = createProject({ files: {} });
  copyFileSync(join(CORPUS, file), project.path(file));
  const result = project.run(['init', '--from', file, '--seed', SEED]);
  expect(result.stderr).not.toContain('error');
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('');
  return { project, stderr: result.stderr };
}

function childEnv(project: Project): Env {
  const result = project.run(['run', '--', 'node', '-e', 'process.stdout.write(JSON.stringify(process.env))']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Env;
}

describe('init --from on real example files', () => {
  it('the corpus holds at least 20 files, each with its placeholders and expectations listed', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(PLACEHOLDERS).sort()).toEqual(FILES);
    expect(Object.keys(EXPECTED).sort()).toEqual(FILES);
  });

  it.each(FILES)('%s', (file) => {
    const source = dotenvToRecord(parseDotenv(readFileSync(join(CORPUS, file), 'utf8'), file));
    const { project, stderr } = initFrom(file);
    const manifest = project.manifest();
    expect(Object.keys(manifest.vars).sort()).toEqual(Object.keys(source).sort());

    // One report line per variable, names and types only. (A value that is one lowercase
    // word may be a word of the report too, `database` in "name: database url", and one
    // in capitals part of a name, `OIDC`.)
    for (const name of Object.keys(source)) expect(stderr).toMatch(new RegExp(`devsecrets:   ${name} +[a-z-]`));
    const report = stderr.slice(stderr.indexOf('\n') + 1);
    for (const value of Object.values(source)) {
      const wordOfReport = /^[a-z]+$/.test(value) || Object.keys(source).some((name) => name.includes(value));
      if (value.length >= 4 && !wordOfReport) expect(report, value).not.toContain(value);
    }

    // The manifest accepts every real value of its own source.
    const check = project.run(['check', '--env-file', file, '--json']);
    const findings = (JSON.parse(check.stdout) as { findings: { code: string; var?: string }[] }).findings;
    const placeholders = new Set(PLACEHOLDERS[file]);
    const onRealValues = findings.filter((finding) => finding.var !== undefined && source[finding.var] !== '' && !placeholders.has(finding.var));
    expect(onRealValues.map((finding) => `${finding.code} ${finding.var}`).sort()).toEqual((WEAK_DEMO_PASSWORDS[file] ?? []).map((name) => `INSECURE_VALUE ${name}`).sort());
    expect(findings.map((finding) => finding.code)).not.toContain('MANIFEST_INVALID');

    const env = childEnv(project);
    for (const [name, { spec, fake }] of Object.entries(EXPECTED[file]!)) {
      expect(manifest.vars[name], name).toMatchObject(spec);
      fake?.(env[name], env);
    }

    // No placeholder becomes a default, a prefix or part of a fake.
    for (const name of placeholders) {
      const spec = manifest.vars[name]!;
      expect(spec, name).not.toHaveProperty('default');
      expect(spec, name).not.toHaveProperty('prefix');
      const value = env[name];
      if (value === undefined) continue;
      expect(value, name).not.toContain(source[name]);
      // A url keeps its scheme, which is form; anything else must not start like its placeholder.
      if (spec.type !== 'url') expect(value.slice(0, 5).toLowerCase(), name).not.toBe(source[name]!.slice(0, 5).toLowerCase());
      expect(value, name).not.toMatch(PLACEHOLDER_WORDS);
    }
    // An empty non-secret gets no fake: the app keeps its own default.
    for (const [name, spec] of Object.entries(manifest.vars)) {
      if (source[name] === '' && spec.secret !== true) expect(env[name], name).toBeUndefined();
      if (source[name] === '' && spec.secret === true) expect(env[name], name).toBeDefined();
    }
  });

  it('--json prints what was inferred as one document on stdout, without values', () => {
    const project = createProject();
    copyFileSync(join(CORPUS, 'cal.com.env.example'), project.path('.env.example'));
    const result = project.run(['init', '--from', '.env.example', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { manifest: string; from: string; store: string; inferred: Record<string, unknown>[] };
    expect(report).toMatchObject({ manifest: 'devsecrets.json', from: '.env.example', store: 'created' });
    expect(report.inferred.find((entry) => entry.name === 'NEXTAUTH_SECRET')).toEqual({
      name: 'NEXTAUTH_SECRET',
      type: 'bytes',
      summary: 'bytes(32, base64) secret',
      secret: true,
      required: true,
      fake: true,
      default: false,
      reasons: ['value: empty', 'comment: openssl rand -base64 32', 'name: *_SECRET* is secret'],
    });
    expect(report.inferred.find((entry) => entry.name === 'EMAIL_SERVER_PORT')).toMatchObject({ type: 'port', default: true });
    expect(result.stdout).not.toMatch(/office365|0cc0e6c3|notifications@/);
    // stderr keeps its diagnostics, but not the per-variable lines: they are data now.
    expect(result.stderr).not.toContain('NEXTAUTH_SECRET');
  });

  it('a secret planted in an example file reaches neither the output nor the manifest', () => {
    const planted = 'PLANTEDs3cr3tVALUE42xyz';
    const project = createProject({
      files: {
        '.env.example': [
          `# e.g. ${planted}`,
          `API_TOKEN=tok_${planted}`,
          `DB_PASSWORD=${planted}`,
          `# SESSION_SECRET=${planted}`,
          'SESSION_SECRET=',
          `DATABASE_URL=postgres://app:${planted}@db:5432/app`,
          `JWT_SECRET=your-${planted}`,
          '',
        ].join('\n'),
      },
    });
    for (const args of [['init', '--from', '.env.example'], ['init', '--force', '--yes', '--json']]) {
      const result = project.run(args);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(planted);
    }
    // Comments are copied as they are into descriptions: the example file holding them is committed already.
    const manifest = project.manifest();
    for (const name of ['API_TOKEN', 'DB_PASSWORD', 'SESSION_SECRET', 'DATABASE_URL', 'JWT_SECRET']) {
      const { description: _description, ...spec } = manifest.vars[name]!;
      expect(JSON.stringify(spec), name).not.toContain(planted);
    }
  });

  it('prints one line a variable: its type and why', () => {
    const { stderr } = initFrom('cal.com.env.example');
    expect(stderr).toContain('devsecrets: inferred 39 variables (type, and why):');
    expect(stderr).toMatch(/devsecrets: {3}NEXTAUTH_SECRET +bytes\(32, base64\) secret +← value: empty, comment: openssl rand -base64 32, name: \*_SECRET\* is secret\n/);
    expect(stderr).toMatch(/devsecrets: {3}NEXTAUTH_URL +url\(https\|http\) optional, no fake +← value: empty, form: url, name: \*_URL\n/);
    expect(stderr).toMatch(/devsecrets: {3}NEXT_PUBLIC_ZENDESK_KEY +token\(base64url\) optional, no fake +← value: empty, name: a key or token, name: NEXT_PUBLIC_ ships to browsers, never secret\n/);
  });
});
