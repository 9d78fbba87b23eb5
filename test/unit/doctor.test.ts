/**
 * doctor's judgement on hand-made facts: every finding code, its level and its fix, from
 * the pure core alone (no files, no git, no store on disk).
 */
import { describe, expect, it } from 'vitest';
import {
  classifyPath, diagnose, existingEnvFiles, foldersAboveExamples, foldersToSearch, manifestFactFromError, mayBeSchemaFile, planFixes, sensitivePaths, storeFactFromError, syncSafely,
  type DoctorFacts, type GitFact, type IgnoreVerdict, type SensitivePath,
} from '../../src/core/doctor/index.js';
import { auditHeadFor, nextAuditLine, type AuditEvent } from '../../src/core/audit.js';
import { DevsecretsError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/findings.js';
import { parseManifest } from '../../src/core/manifest.js';
import { renderSchema, type SchemaFormat } from '../../src/core/schema/index.js';
import { createStoreDocument } from '../../src/core/seed-store.js';
import type { StoreDocument } from '../../src/core/store-document.js';

const ROOT = '/p';
const NOW = new Date('2026-01-10T00:00:00Z');
const SEED = new Uint8Array(32).fill(7);
const PLAIN_SECRET = 'sk_test_PersonPastedThis01234567';

const MANIFEST = {
  version: 2,
  ttl: '30d',
  forbid: ['/corpsecret/'],
  vars: {
    STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 32, secret: true },
    DATABASE_URL: { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true },
    PORT: { type: 'port', default: 3000 },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info'] },
    OPTIONAL_FLAG: { type: 'bool', required: false },
  },
};

function manifestOf(document: object = MANIFEST) {
  return parseManifest(JSON.stringify(document), `${ROOT}/devsecrets.json`, ROOT);
}

/** A store seeded with fakes for `MANIFEST`, created a day before NOW. */
function freshDocument(): StoreDocument {
  return createStoreDocument(manifestOf(), 'store-1', SEED, new Date('2026-01-09T00:00:00Z'));
}

const IGNORED: IgnoreVerdict = { ignored: true, rule: { source: '.gitignore', line: 1, pattern: '.env' } };

/** A repository where every sensitive path is ignored but examples, and nothing sensitive is tracked. */
function cleanGit(paths: readonly SensitivePath[] = sensitivePaths({ rootEntries: [], tracked: [], untracked: [], ignored: [] })): Extract<GitFact, { kind: 'checked' }> {
  const verdicts = new Map(paths.map((entry): [string, IgnoreVerdict] => [entry.path, entry.kind === 'example' ? { ignored: false } : IGNORED]));
  return { kind: 'checked', basis: 'git', paths, verdicts, tracked: new Set() };
}

/** The audit log (and its head) of `document`'s store after `events`. */
function auditFact(document: StoreDocument, events: AuditEvent[]): DoctorFacts['audit'] {
  const context = { time: NOW, pid: 1, user: 'dev', store: document.storeId, key: document.auditKey };
  const lines: string[] = [];
  for (const event of events) lines.push(nextAuditLine(lines.at(-1), event, context));
  return { path: `${ROOT}/.devsecrets/audit.log`, files: { log: `${lines.join('\n')}\n`, head: auditHeadFor(lines.at(-1)!, context) } };
}

/** A healthy project; each test breaks one thing. */
function cleanFacts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    root: ROOT,
    now: NOW,
    manifest: { kind: 'valid', manifest: manifestOf() },
    store: { kind: 'open', document: freshDocument() },
    permissions: [],
    environment: { PATH: '/usr/bin', HOME: '/home/dev' },
    envFiles: [],
    schemaFiles: [],
    git: cleanGit(),
    content: { kind: 'skipped' },
    audit: auditFact(freshDocument(), [{ action: 'init', vars: [] }]),
    ...overrides,
  };
}

function codes(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.code}:${finding.level}${finding.var === undefined ? '' : `:${finding.var}`}${finding.path === undefined ? '' : `:${finding.path}`}`);
}

describe('diagnose', () => {
  it('finds nothing in a healthy project', () => {
    expect(diagnose(cleanFacts())).toEqual({ ok: true, findings: [] });
  });

  it('every finding says what to do next', () => {
    const document = freshDocument();
    document.vars.STRIPE_KEY = { value: PLAIN_SECRET, origin: 'set', updatedAt: NOW.toISOString() };
    document.vars.EXTRA = { value: 'x', origin: 'set', updatedAt: NOW.toISOString() };
    delete document.vars.LOG_LEVEL;
    const report = diagnose(cleanFacts({
      store: { kind: 'open', document },
      permissions: [{ path: `${ROOT}/.devsecrets/store.age`, mode: 0o644, expected: 0o600, holdsKey: false }],
      environment: { stripe_key: 'x' },
      envFiles: [{ path: '.env', text: 'PORT=1\n' }],
      git: { kind: 'skipped', reason: 'not-a-repository', message: 'not a git repository' },
    }));
    expect(report.findings.length).toBeGreaterThan(5);
    for (const finding of report.findings) expect(finding.fix, finding.code).toMatch(/\S/);
  });
});

describe('manifest', () => {
  it('MANIFEST_INVALID per problem, and the checks that need a manifest are skipped', () => {
    const error = new DevsecretsError('MANIFEST_INVALID', 'manifest /p/devsecrets.json is invalid (2 problems)', {
      issues: [{ var: 'PORT', message: 'unknown type' }, { message: 'version must be a positive integer' }],
    });
    const report = diagnose(cleanFacts({
      manifest: manifestFactFromError(error, `${ROOT}/devsecrets.json`),
      environment: { stripe_key: 'x' },
      envFiles: [{ path: '.env', text: 'STRIPE_KEY=x\n' }],
    }));
    expect(report.ok).toBe(false);
    expect(codes(report.findings)).toEqual([
      'MANIFEST_INVALID:error:PORT:devsecrets.json',
      'MANIFEST_INVALID:error:devsecrets.json',
      'CHECK_SKIPPED:info',
    ]);
    expect(report.findings[0]).toMatchObject({ message: 'devsecrets.json: PORT: unknown type', fix: 'fix devsecrets.json' });
  });

  it('a missing manifest is MANIFEST_INVALID with init as the fix; store checks still run', () => {
    const error = new DevsecretsError('MANIFEST_MISSING', 'no devsecrets.json found in /p or any parent folder');
    const report = diagnose(cleanFacts({ manifest: manifestFactFromError(error, `${ROOT}/devsecrets.json`), store: { kind: 'missing' } }));
    expect(codes(report.findings)).toEqual(['MANIFEST_INVALID:error:devsecrets.json', 'STORE_MISSING:error:.devsecrets/store.age', 'CHECK_SKIPPED:info']);
    expect(report.findings[0]?.fix).toContain('devsecrets init');
  });

  it('a manifest that cannot be read names the system error', () => {
    const fact = manifestFactFromError(Object.assign(new Error('denied'), { code: 'EACCES' }), `${ROOT}/devsecrets.json`);
    expect(fact).toMatchObject({ kind: 'invalid', message: 'cannot read /p/devsecrets.json (EACCES)' });
  });
});

describe('store access', () => {
  it('STORE_MISSING, fixed by init; drift checks skipped', () => {
    const report = diagnose(cleanFacts({ store: storeFactFromError(new DevsecretsError('STORE_MISSING', 'no store at .devsecrets/store.age')) }));
    expect(codes(report.findings)).toEqual(['STORE_MISSING:error:.devsecrets/store.age', 'CHECK_SKIPPED:info']);
    expect(report.findings[0]?.fix).toBe('devsecrets init');
    expect(report.findings[1]?.message).toContain('drift and value checks skipped');
  });

  it.each([
    ['STORE_UNREADABLE', 'STORE_UNREADABLE'],
    ['IDENTITY_MISSING', 'IDENTITY_MISSING'],
    ['IDENTITY_MISMATCH', 'IDENTITY_MISSING'],
    ['KEYCHAIN_UNAVAILABLE', 'IDENTITY_MISSING'],
  ] as const)('an open failure %s is reported as %s with its hint as the fix', (thrown, reported) => {
    const error = new DevsecretsError(thrown, 'cannot open', { hint: 'do this' });
    const report = diagnose(cleanFacts({ store: storeFactFromError(error) }));
    expect(report.findings[0]).toEqual({ code: reported, level: 'error', message: 'cannot open', fix: 'do this' });
  });

  it('an unexpected read error is STORE_UNREADABLE naming the system error only', () => {
    const store = storeFactFromError(Object.assign(new Error('EACCES: /p/.devsecrets/store.age'), { code: 'EACCES' }));
    expect(store).toMatchObject({ kind: 'unavailable', code: 'STORE_UNREADABLE', message: 'cannot read the store (EACCES)' });
  });

  it('an identity refused for its mode is reported once, as FILE_PERMISSIONS error on the identity file', () => {
    const identity = '/home/dev/.config/devsecrets/identities/store-1.txt';
    const error = new DevsecretsError('FILE_PERMISSIONS', `identity file ${identity} is readable by others`, { path: identity, hint: `chmod 600 ${identity}` });
    const report = diagnose(cleanFacts({
      store: storeFactFromError(error),
      permissions: [{ path: identity, mode: 0o644, expected: 0o600, holdsKey: true }],
    }));
    expect(codes(report.findings)).toEqual([`FILE_PERMISSIONS:error:${identity}`, 'CHECK_SKIPPED:info']);
    expect(report.findings[0]?.fix).toBe(`chmod 600 ${identity}`);
  });

  it('STORE_EXPIRED once expiresAt has passed, fixed by rotate', () => {
    const document = freshDocument();
    document.expiresAt = '2026-01-09T23:59:59.000Z';
    const report = diagnose(cleanFacts({ store: { kind: 'open', document } }));
    expect(codes(report.findings)).toEqual(['STORE_EXPIRED:error:.devsecrets/store.age']);
    expect(report.findings[0]?.fix).toBe('devsecrets rotate');
    document.expiresAt = '2026-01-10T00:00:01.000Z';
    expect(diagnose(cleanFacts({ store: { kind: 'open', document } })).findings).toEqual([]);
  });
});

describe('drift', () => {
  it('DRIFT_MISSING_VAR: an error for a required variable, a warning when a default stands in, nothing when optional', () => {
    const document = freshDocument();
    delete document.vars.LOG_LEVEL;
    delete document.vars.PORT;
    delete document.vars.OPTIONAL_FLAG;
    const report = diagnose(cleanFacts({ store: { kind: 'open', document } }));
    expect(codes(report.findings)).toEqual(['DRIFT_MISSING_VAR:warn:PORT', 'DRIFT_MISSING_VAR:error:LOG_LEVEL']);
    expect(report.findings.every((finding) => finding.fix === 'devsecrets sync')).toBe(true);
  });

  it('DRIFT_EXTRA_VAR (warn) for a store variable the manifest does not declare', () => {
    const document = freshDocument();
    document.vars.OLD_VAR = { value: 'x', origin: 'generated', updatedAt: NOW.toISOString() };
    const report = diagnose(cleanFacts({ store: { kind: 'open', document } }));
    expect(report.ok).toBe(true);
    expect(codes(report.findings)).toEqual(['DRIFT_EXTRA_VAR:warn:OLD_VAR']);
  });

  it('DRIFT_INVALID_VALUE when a stored value fails today\'s validator; sync for a fake, set for a person\'s value', () => {
    const stricter = manifestOf({ ...MANIFEST, vars: { ...MANIFEST.vars, LOG_LEVEL: { type: 'enum', values: ['warn'] }, PORT: { type: 'int', min: 1, max: 2 } } });
    const document = freshDocument();
    document.vars.PORT = { value: '3000', origin: 'set', updatedAt: NOW.toISOString() };
    const report = diagnose(cleanFacts({ manifest: { kind: 'valid', manifest: stricter }, store: { kind: 'open', document } }));
    const invalid = report.findings.filter((finding) => finding.code === 'DRIFT_INVALID_VALUE');
    expect(codes(invalid)).toEqual(['DRIFT_INVALID_VALUE:error:PORT', 'DRIFT_INVALID_VALUE:error:LOG_LEVEL']);
    expect(invalid.map((finding) => finding.fix)).toEqual(['devsecrets set PORT', 'devsecrets sync']);
    expect(invalid[0]?.message).toMatch(/^PORT: /);
  });

  it('DRIFT_MANIFEST_VERSION: an error when the store is on an older version, a warning when only the content changed', () => {
    const document = freshDocument();
    document.manifest.version = 1;
    expect(codes(diagnose(cleanFacts({ store: { kind: 'open', document } })).findings)).toEqual(['DRIFT_MANIFEST_VERSION:error:.devsecrets/store.age']);

    const changed = manifestOf({ ...MANIFEST, ttl: '7d' });
    const report = diagnose(cleanFacts({ manifest: { kind: 'valid', manifest: changed } }));
    expect(codes(report.findings)).toEqual(['DRIFT_MANIFEST_VERSION:warn:.devsecrets/store.age']);
    expect(report.findings[0]?.fix).toBe('devsecrets sync');
  });
});

describe('value trust', () => {
  it('UNVERIFIED_VALUE (warn) for a secret a person set or imported, never naming the value', () => {
    const document = freshDocument();
    document.vars.STRIPE_KEY = { value: PLAIN_SECRET, origin: 'set', updatedAt: NOW.toISOString() };
    document.vars.DATABASE_URL = { value: 'postgresql://app:Long-Passw0rd-9@localhost/app?sslmode=require', origin: 'imported', updatedAt: NOW.toISOString() };
    const report = diagnose(cleanFacts({ store: { kind: 'open', document } }));
    expect(report.ok).toBe(true);
    expect(codes(report.findings)).toEqual(['UNVERIFIED_VALUE:warn:STRIPE_KEY', 'UNVERIFIED_VALUE:warn:DATABASE_URL']);
    expect(JSON.stringify(report)).not.toContain('PersonPasted');
    expect(JSON.stringify(report)).not.toContain('Passw0rd');
  });

  it('UNVERIFIED_VALUE for a "generated" secret whose tag does not verify', () => {
    const document = freshDocument();
    document.vars.STRIPE_KEY = { ...document.vars.STRIPE_KEY!, value: PLAIN_SECRET };
    expect(codes(diagnose(cleanFacts({ store: { kind: 'open', document } })).findings)).toEqual(['UNVERIFIED_VALUE:warn:STRIPE_KEY']);
  });

  it('non-secret values a person set are not questioned', () => {
    const document = freshDocument();
    document.vars.PORT = { value: '8080', origin: 'set', updatedAt: NOW.toISOString() };
    expect(diagnose(cleanFacts({ store: { kind: 'open', document } })).findings).toEqual([]);
  });

  it('INSECURE_VALUE (error) instead of UNVERIFIED_VALUE for a live credential or a forbid match', () => {
    const document = freshDocument();
    document.vars.STRIPE_KEY = { value: 'sk_test_corpsecret0123456789abcd', origin: 'set', updatedAt: NOW.toISOString() };
    document.vars.DATABASE_URL = { value: 'postgresql://app:AKIAABCDEFGHIJKLMNOP@localhost/app?sslmode=require', origin: 'set', updatedAt: NOW.toISOString() };
    const report = diagnose(cleanFacts({ store: { kind: 'open', document } }));
    expect(codes(report.findings)).toEqual(['INSECURE_VALUE:error:STRIPE_KEY', 'INSECURE_VALUE:error:DATABASE_URL']);
    expect(report.findings[0]?.message).toBe("STRIPE_KEY: matches the manifest's forbid rule /corpsecret/");
    expect(JSON.stringify(report)).not.toContain('AKIA');
  });
});

describe('hygiene', () => {
  it('FILE_PERMISSIONS: an error for the identity file, a warning for store files and folders; paths inside the project are relative', () => {
    const report = diagnose(cleanFacts({
      permissions: [
        { path: `${ROOT}/.devsecrets`, mode: 0o755, expected: 0o700, holdsKey: false },
        { path: `${ROOT}/.devsecrets/store.age`, mode: 0o644, expected: 0o600, holdsKey: false },
        { path: '/home/dev/id.txt', mode: 0o640, expected: 0o600, holdsKey: true },
      ],
    }));
    expect(codes(report.findings)).toEqual([
      'FILE_PERMISSIONS:warn:.devsecrets',
      'FILE_PERMISSIONS:warn:.devsecrets/store.age',
      'FILE_PERMISSIONS:error:/home/dev/id.txt',
    ]);
    expect(report.findings.map((finding) => finding.fix)).toEqual(['chmod 700 .devsecrets', 'chmod 600 .devsecrets/store.age', 'chmod 600 /home/dev/id.txt']);
    expect(report.findings[1]?.message).toBe('.devsecrets/store.age has mode 0644, looser than 0600');
  });

  it('ENV_CASE_CONFLICT (warn) for an inherited name that differs from a manifest name only in case', () => {
    const report = diagnose(cleanFacts({ environment: { database_url: 'x', DATABASE_URL: 'y', Port: '1' } }));
    expect(codes(report.findings)).toEqual(['ENV_CASE_CONFLICT:warn:DATABASE_URL', 'ENV_CASE_CONFLICT:warn:PORT']);
  });

  it('ENV_FILE_SHADOW (warn) per manifest variable a dotenv file defines, naming it but never its value', () => {
    const report = diagnose(cleanFacts({
      envFiles: [
        { path: '.env', text: `STRIPE_KEY=${PLAIN_SECRET}\nUNRELATED=1\nexport PORT=8080\n` },
        { path: '.env.local', text: '# nothing here\n' },
      ],
    }));
    expect(codes(report.findings)).toEqual(['ENV_FILE_SHADOW:warn:STRIPE_KEY:.env', 'ENV_FILE_SHADOW:warn:PORT:.env']);
    expect(JSON.stringify(report)).not.toContain('PersonPasted');
  });

  it('ENV_FILE_SHADOW (warn) once for a dotenv file that does not parse', () => {
    const report = diagnose(cleanFacts({ envFiles: [{ path: '.env', text: `STRIPE_KEY="${PLAIN_SECRET}\n` }] }));
    expect(codes(report.findings)).toEqual(['ENV_FILE_SHADOW:warn:.env']);
    expect(report.findings[0]?.message).toContain('.env:1 has an unterminated " quote');
    expect(JSON.stringify(report)).not.toContain('PersonPasted');
  });
});

describe('generated files', () => {
  const generated = (format: SchemaFormat, manifest = manifestOf()) => renderSchema(manifest.vars, format);

  it('SCHEMA_STALE (warn) for a marked file that differs from a fresh rendering; --fix writes that rendering', () => {
    const older = manifestOf({ ...MANIFEST, vars: { ...MANIFEST.vars, GONE: { type: 'bool' } } });
    const facts = cleanFacts({
      schemaFiles: [
        { path: '.env.example', text: generated('env-example') },
        { path: 'types/env.d.ts', text: generated('dts', older) },
        { path: 'env.schema.json', text: generated('json-schema').replaceAll('\n', '\r\n') },
        { path: 'other.json', text: '{"$comment": "written by hand"}' },
      ],
    });
    const report = diagnose(facts);
    expect(codes(report.findings)).toEqual(['SCHEMA_STALE:warn:types/env.d.ts']);
    expect(report.ok).toBe(true);
    expect(report.findings[0]?.fix).toBe('devsecrets doctor --fix, or devsecrets schema --format dts --out types/env.d.ts from the project root; then commit it');
    expect(planFixes(facts, []).schemaFiles).toEqual([{ path: 'types/env.d.ts', format: 'dts', text: generated('dts') }]);
  });

  it('nothing is judged without a valid manifest', () => {
    const facts = cleanFacts({
      manifest: { kind: 'invalid', path: `${ROOT}/devsecrets.json`, message: 'bad', issues: [], fix: 'fix it' },
      schemaFiles: [{ path: '.env.example', text: '# generated by devsecrets schema --format env-example: x\n' }],
    });
    expect(codes(diagnose(facts).findings)).not.toContain('SCHEMA_STALE:warn:.env.example');
    expect(planFixes(facts, []).schemaFiles).toEqual([]);
  });

  it('mayBeSchemaFile: example files, declarations and JSON files, outside dependencies', () => {
    expect(['.env.example', 'apps/web/.env.sample', 'env.d.ts', 'types/env.d.mts', 'env.schema.json', 'package.json'].every(mayBeSchemaFile)).toBe(true);
    expect(['.env', 'src/env.ts', 'README.md', 'node_modules/x/index.d.ts', 'node_modules/x/package.json'].some(mayBeSchemaFile)).toBe(false);
  });
});

describe('git', () => {
  const listing = {
    rootEntries: ['.env', '.env.example', '.env.production', 'src', '.devsecrets', 'devsecrets.json'],
    tracked: ['src/index.js', 'deploy/server.pem', '.devsecrets/store.age', 'node_modules/x/test.key'],
    untracked: ['keys/id_ed25519', 'keys/id_ed25519.pub', 'packages/api/.env', 'docs/age-key.txt', 'agenda.txt'],
    ignored: ['node_modules/', 'packages/api/.env.example', 'dist/', 'secrets/prod.pem'],
  };

  it('sensitivePaths: the always-checked paths, then existing env, example and key files, and ignored examples; nothing from node_modules', () => {
    expect(sensitivePaths(listing)).toEqual([
      { path: '.devsecrets/', kind: 'store', exists: true },
      { path: '.env', kind: 'env', exists: true },
      { path: '.env.local', kind: 'env', exists: false },
      { path: '.env.development.local', kind: 'env', exists: false },
      { path: '.env.example', kind: 'example', exists: true },
      { path: '.env.production', kind: 'env', exists: true },
      { path: 'deploy/server.pem', kind: 'key', exists: true },
      { path: '.devsecrets/store.age', kind: 'store', exists: true },
      { path: 'keys/id_ed25519', kind: 'key', exists: true },
      { path: 'packages/api/.env', kind: 'env', exists: true },
      { path: 'docs/age-key.txt', kind: 'key', exists: true },
      { path: 'packages/api/.env.example', kind: 'example', exists: true },
    ]);
  });

  it.each([
    ['.env.sample', 'example'], ['config/.env.template', 'example'], ['.env.local.example', 'example'],
    ['.env.staging.local', 'env'], ['.envrc', undefined], ['cert.PEM', 'key'], ['a/b.p12', 'key'], ['x.pfx', 'key'],
    ['id_rsa', 'key'], ['id_rsa.pub', undefined], ['age.txt', 'key'], ['age_keys.txt', 'key'], ['my.agekey', 'key'],
    ['key.txt', 'key'], ['sops/age/keys.txt', 'key'], ['monkey.txt', undefined], ['keys.txt.bak', undefined],
    ['.devsecrets/.gitignore', undefined], ['.git/x.key', undefined],
  ] as const)('classifyPath(%s) is %s', (path, kind) => {
    expect(classifyPath(path)).toBe(kind);
  });

  it('GITIGNORE_UNCOVERED per path git would not ignore, saying when the file does not exist yet or a negation re-includes it', () => {
    const paths = sensitivePaths({ rootEntries: ['server.pem'], tracked: [], untracked: ['server.pem', 'sub/.env'], ignored: [] });
    const verdicts = new Map<string, IgnoreVerdict>(paths.map((entry) => [entry.path, { ignored: false }]));
    verdicts.set('.env', IGNORED);
    verdicts.set('sub/.env', { ignored: false, rule: { source: 'sub/.gitignore', line: 2, pattern: '!.env' } });
    const report = diagnose(cleanFacts({ git: { kind: 'checked', basis: 'git', paths, verdicts, tracked: new Set() } }));
    expect(codes(report.findings)).toEqual([
      'GITIGNORE_UNCOVERED:error:.devsecrets/',
      'GITIGNORE_UNCOVERED:error:.env.local',
      'GITIGNORE_UNCOVERED:error:.env.development.local',
      'GITIGNORE_UNCOVERED:error:server.pem',
      'GITIGNORE_UNCOVERED:error:sub/.env',
    ]);
    const [store, local, , pem, nested] = report.findings;
    expect(store?.fix).toBe('devsecrets init restores the devsecrets block in .gitignore, or add .devsecrets/ to it');
    expect(local?.message).toContain('there is no such file yet');
    expect(pem).toMatchObject({ message: 'server.pem is not ignored by git', fix: 'add /server.pem to .gitignore' });
    expect(nested).toMatchObject({ message: 'sub/.env is not ignored: sub/.gitignore:2 re-includes it with !.env', fix: 'remove !.env from sub/.gitignore' });
  });

  it('the suggested rule escapes gitignore wildcards and a leading #', () => {
    const paths = sensitivePaths({ rootEntries: [], tracked: [], untracked: ['#old[1].key'], ignored: [] });
    const git = cleanGit(paths);
    const report = diagnose(cleanFacts({ git: { ...git, verdicts: new Map([...git.verdicts, ['#old[1].key', { ignored: false }]]) } }));
    expect(report.findings[0]?.fix).toBe('add /\\#old\\[1].key to .gitignore');
  });

  it('EXAMPLE_IGNORED (warn) naming the rule, with a negation for the same ignore file as the fix', () => {
    const paths = sensitivePaths({ rootEntries: ['.env.example'], tracked: [], untracked: [], ignored: ['app/.env.sample'] });
    const git = cleanGit(paths);
    const verdicts = new Map(git.verdicts);
    verdicts.set('.env.example', { ignored: true, rule: { source: '.gitignore', line: 4, pattern: '.env*' } });
    verdicts.set('app/.env.sample', { ignored: true, rule: { source: 'app/.gitignore', line: 1, pattern: '*.sample' } });
    const report = diagnose(cleanFacts({ git: { ...git, verdicts } }));
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([
      {
        code: 'EXAMPLE_IGNORED', level: 'warn', path: '.env.example',
        message: '.env.example is ignored by .gitignore:4 (.env*), but the team needs it committed',
        fix: 'add !/.env.example to .gitignore after line 4',
      },
      {
        code: 'EXAMPLE_IGNORED', level: 'warn', path: 'app/.env.sample',
        message: 'app/.env.sample is ignored by app/.gitignore:1 (*.sample), but the team needs it committed',
        fix: 'add !/.env.sample to app/.gitignore after line 1',
      },
    ]);
  });

  it('an example inside an ignored folder needs that folder\'s rule changed: a negation alone cannot re-include it', () => {
    const paths = sensitivePaths({ rootEntries: [], tracked: [], untracked: [], ignored: ['config/', 'config/deep/.env.example'] });
    expect(foldersAboveExamples(paths)).toEqual(['config/', 'config/deep/']);
    const git = cleanGit(paths);
    const rule = { source: '.gitignore', line: 3, pattern: 'config/' };
    const verdicts = new Map(git.verdicts).set('config/deep/.env.example', { ignored: true, rule }).set('config/', { ignored: true, rule }).set('config/deep/', { ignored: true, rule });
    expect(diagnose(cleanFacts({ git: { ...git, verdicts } })).findings).toEqual([expect.objectContaining({
      code: 'EXAMPLE_IGNORED', path: 'config/deep/.env.example',
      fix: 'git never re-includes a file inside an ignored folder: change .gitignore:3 (config/) to ignore what is in config/ rather than the folder itself, then re-include config/deep/.env.example with a negation',
    })]);
  });

  it('existingEnvFiles: env files from every listing, once each, root entries first; no example, store or dependency file', () => {
    expect(existingEnvFiles(listing)).toEqual(['.env', '.env.production', 'packages/api/.env']);
    expect(existingEnvFiles({ rootEntries: ['.env'], tracked: ['a/.env.local', '.env'], untracked: [], ignored: ['b/.env.test', 'node_modules/x/.env', 'dist/'] }))
      .toEqual(['.env', 'a/.env.local', 'b/.env.test']);
  });

  it('foldersToSearch: wholly ignored folders but dependencies, git\'s own and the store', () => {
    expect(foldersToSearch(['dist/', 'node_modules/', 'a/node_modules/', '.devsecrets/', 'x.log', 'packages/api/build/', '.git/'])).toEqual(['dist/', 'packages/api/build/']);
  });

  it('an example ignored by .git/info/exclude is re-included from the root .gitignore', () => {
    const paths = sensitivePaths({ rootEntries: ['.env.example'], tracked: [], untracked: [], ignored: [] });
    const git = cleanGit(paths);
    const verdicts = new Map(git.verdicts).set('.env.example', { ignored: true, rule: { source: '.git/info/exclude', line: 7, pattern: '.env.*' } });
    expect(diagnose(cleanFacts({ git: { ...git, verdicts } })).findings[0]?.fix).toBe('add !/.env.example to .gitignore');
  });

  it('TRACKED_SECRET_FILE (error) for a sensitive file in the index, ignored or not, with git rm --cached as the fix', () => {
    const paths = sensitivePaths({ rootEntries: ['.env'], tracked: ['.env', '.env.example', '.devsecrets/store.age', 'my key.pem'], untracked: [], ignored: [] });
    const git = cleanGit(paths);
    const report = diagnose(cleanFacts({ git: { ...git, tracked: new Set(['.env', '.env.example', '.devsecrets/store.age', 'my key.pem']) } }));
    expect(codes(report.findings)).toEqual([
      'TRACKED_SECRET_FILE:error:.env',
      'TRACKED_SECRET_FILE:error:.devsecrets/store.age',
      'TRACKED_SECRET_FILE:error:my key.pem',
    ]);
    expect(report.findings[0]?.fix).toMatch(/^git rm --cached -- \.env /);
    expect(report.findings[2]?.fix).toMatch(/^git rm --cached -- 'my key\.pem' /);
  });

  it('CHECK_SKIPPED (info) outside a repository: the report stays ok', () => {
    const report = diagnose(cleanFacts({ git: { kind: 'skipped', reason: 'not-a-repository', message: 'not a git repository' } }));
    expect(report).toEqual({
      ok: true,
      findings: [expect.objectContaining({ code: 'CHECK_SKIPPED', level: 'info', message: '.gitignore and tracked-file checks skipped: not a git repository' })],
    });
  });
});

describe('diagnose: the audit log', () => {
  it('AUDIT_CHAIN_BROKEN (error) at the first bad line; an intact log is fine', () => {
    const document = freshDocument();
    const audit = auditFact(document, [{ action: 'init', vars: ['A'] }, { action: 'get', vars: ['A'] }]);

    expect(diagnose(cleanFacts({ store: { kind: 'open', document }, audit })).ok).toBe(true);
    const tampered = diagnose(cleanFacts({ store: { kind: 'open', document }, audit: { ...audit, files: { ...audit.files, log: audit.files.log!.replace('"get"', '"set"') } } }));
    expect(tampered.ok).toBe(false);
    expect(tampered.findings).toEqual([expect.objectContaining({ code: 'AUDIT_CHAIN_BROKEN', level: 'error', path: '.devsecrets/audit.log', message: expect.stringMatching(/^audit\.log line 2 /) })]);
  });

  it('AUDIT_CHAIN_BROKEN when the store is open but the log and its head are gone; nothing without a store', () => {
    const removed = diagnose(cleanFacts({ audit: { path: `${ROOT}/.devsecrets/audit.log`, files: {} } }));
    expect(removed.findings).toEqual([expect.objectContaining({ code: 'AUDIT_CHAIN_BROKEN', message: 'audit.log and audit.head are missing, but the store exists (they were removed)' })]);
    expect(codes(diagnose(cleanFacts({ store: { kind: 'missing' }, audit: { path: `${ROOT}/.devsecrets/audit.log`, files: {} } })).findings)).not.toContain('AUDIT_CHAIN_BROKEN:error:.devsecrets/audit.log');
  });
});

describe('content findings', () => {
  const scanned = { kind: 'scanned', source: 'work-tree', stagedPaths: [], skipped: { binary: 0, large: 0 }, valuesSearched: true } as const;

  it('LEAKED_VALUE and SECRET_PATTERN name path:line and the variable or kind; skipped files make one note', () => {
    const report = diagnose(cleanFacts({
      content: {
        ...scanned,
        hits: [
          { kind: 'leak', path: 'a.js', line: 3, var: 'STRIPE_KEY', encoding: 'base64' },
          { kind: 'pattern', path: 'b.tf', line: 1, label: 'an AWS access key id' },
        ],
        skipped: { binary: 2, large: 1 },
      },
    }));
    expect(report.findings.map((finding) => [finding.code, finding.level, finding.message])).toEqual([
      ['LEAKED_VALUE', 'error', 'the value of STRIPE_KEY appears base64-encoded in a.js:3'],
      ['SECRET_PATTERN', 'error', 'b.tf:1 holds what looks like an AWS access key id'],
      ['CHECK_SKIPPED', 'info', 'content checks skipped 2 binary files and 1 file over 1 MiB'],
    ]);
  });

  it('staged content is judged alone: a broken store does not block, a staged key file does', () => {
    const report = diagnose(cleanFacts({
      store: { kind: 'missing' },
      content: { ...scanned, source: 'index', stagedPaths: ['src/app.ts', 'deploy/server.key', '.env.example'], hits: [], valuesSearched: false },
    }));
    expect(codes(report.findings)).toEqual(['TRACKED_SECRET_FILE:error:deploy/server.key', 'CHECK_SKIPPED:info']);
  });
});

describe('planFixes', () => {
  const TEMPLATE = ['.devsecrets/', '.env', '.env.*', '!.env.example'];

  it('nothing to fix in a healthy project', () => {
    expect(planFixes(cleanFacts(), TEMPLATE)).toEqual({ ignoreRules: [], permissions: [], sync: false, extras: [], negations: [], exampleNegations: [], schemaFiles: [] });
  });

  it('the block rules for an uncovered .env (covering env files anywhere), anchored rules for key files, never a negated path', () => {
    const paths = sensitivePaths({ rootEntries: [], tracked: [], untracked: ['server.pem', 'sub/.env.prod', 'api/.env'], ignored: [] });
    const verdicts = new Map<string, IgnoreVerdict>(paths.map((entry) => [entry.path, { ignored: false }]));
    verdicts.set('.devsecrets/', IGNORED);
    verdicts.set('api/.env', { ignored: false, rule: { source: 'api/.gitignore', line: 1, pattern: '!.env' } });
    const plan = planFixes(cleanFacts({ git: { kind: 'checked', basis: 'git', paths, verdicts, tracked: new Set() } }), TEMPLATE);
    expect(plan.ignoreRules).toEqual([...TEMPLATE, '/server.pem']);
  });

  it('no sync for a stale stamp alone when a sync would keep a person\'s invalid value: nothing to do but report it', () => {
    const document = freshDocument();
    document.vars.PORT = { value: 'not-a-port', origin: 'set', updatedAt: NOW.toISOString() };
    document.manifest = { ...document.manifest, digest: 'older' };
    expect(planFixes(cleanFacts({ store: { kind: 'open', document } }), TEMPLATE).sync).toBe(false);
    document.vars.PORT = { value: '8080', origin: 'set', updatedAt: NOW.toISOString() };
    expect(planFixes(cleanFacts({ store: { kind: 'open', document } }), TEMPLATE).sync).toBe(true);
  });

  it('an example hidden by a rule of the devsecrets block: the template\'s rules for an older block, else a negation at the block\'s end', () => {
    const paths = sensitivePaths({ rootEntries: [], tracked: [], untracked: ['.env.staging.example'], ignored: [] });
    const git = cleanGit(paths);
    const verdicts = new Map(git.verdicts).set('.env.staging.example', { ignored: true, rule: { source: '.gitignore', line: 4, pattern: '.env.*' } });
    const older = { start: 1, end: 6, rules: ['.devsecrets/', '.env', '.env.*', '!.env.example'].slice(0, 3) };
    expect(planFixes(cleanFacts({ git: { ...git, verdicts, block: older } }), TEMPLATE).ignoreRules).toEqual(TEMPLATE);
    const current = { start: 1, end: 7, rules: TEMPLATE };
    expect(planFixes(cleanFacts({ git: { ...git, verdicts, block: current } }), TEMPLATE)).toMatchObject({ ignoreRules: ['!/.env.staging.example'], exampleNegations: [] });
  });

  it('an example hidden by the project\'s own rule is offered as a negation after that rule, unless it lies inside an ignored folder', () => {
    const paths = sensitivePaths({ rootEntries: [], tracked: [], untracked: ['config/.env.example'], ignored: ['out/', 'out/.env.sample'] });
    const git = cleanGit(paths);
    const verdicts = new Map(git.verdicts)
      .set('config/.env.example', { ignored: true, rule: { source: 'config/.gitignore', line: 2, pattern: '*.example' } })
      .set('config/', { ignored: false })
      .set('out/.env.sample', { ignored: true, rule: { source: '.gitignore', line: 9, pattern: 'out/' } })
      .set('out/', { ignored: true, rule: { source: '.gitignore', line: 9, pattern: 'out/' } });
    const plan = planFixes(cleanFacts({ git: { ...git, verdicts, block: { start: 1, end: 5, rules: TEMPLATE } } }), TEMPLATE);
    expect(plan).toMatchObject({ ignoreRules: [], exampleNegations: [{
      path: 'config/.env.example', ignoredBy: { source: 'config/.gitignore', line: 2, pattern: '*.example' }, source: 'config/.gitignore', afterLine: 2, rule: '!/.env.example',
    }] });
  });

  it('modes to tighten, and a sync that only adds fakes; a person\'s invalid value is kept and the stamp left alone', () => {
    const document = freshDocument();
    delete document.vars.LOG_LEVEL;
    document.vars.STRIPE_KEY = { value: 'not-valid', origin: 'set', updatedAt: NOW.toISOString() };
    const plan = planFixes(cleanFacts({
      store: { kind: 'open', document },
      permissions: [{ path: '/p/.devsecrets', mode: 0o755, expected: 0o700, holdsKey: false }],
    }), TEMPLATE);
    expect(plan.permissions).toEqual([{ path: '/p/.devsecrets', mode: 0o700 }]);
    expect(plan.sync).toBe(true);
    expect(syncSafely(document, manifestOf(), NOW)).toEqual({ seeded: ['LOG_LEVEL'], dropped: [], synced: false });
    expect(document.vars.STRIPE_KEY?.value).toBe('not-valid');
  });
});

describe('loader-control variables', () => {
  /** MANIFEST plus opted-in loader-control variables: with a default, without one, and optional. */
  const LOADER_MANIFEST = {
    ...MANIFEST,
    vars: {
      ...MANIFEST.vars,
      NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--max-old-space-size=4096' },
      LD_LIBRARY_PATH: { type: 'string', loaderControl: true },
      PYTHONPATH: { type: 'string', loaderControl: true, required: false },
    },
  };

  /** The facts of a project on LOADER_MANIFEST whose store, seeded by init, `edit` changes. */
  function loaderProject(edit: (document: StoreDocument) => void = () => {}) {
    const manifest = manifestOf(LOADER_MANIFEST);
    const document = createStoreDocument(manifest, 'store-1', SEED, new Date('2026-01-09T00:00:00Z'));
    edit(document);
    return { manifest, document, facts: cleanFacts({ manifest: { kind: 'valid', manifest }, store: { kind: 'open', document } }) };
  }

  it('LOADER_VARIABLE (warn) per opted-in variable, naming what it does; only the one without a default and a value is missing', () => {
    const report = diagnose(loaderProject().facts);
    expect(codes(report.findings)).toEqual([
      'LOADER_VARIABLE:warn:NODE_OPTIONS',
      'LOADER_VARIABLE:warn:LD_LIBRARY_PATH',
      'LOADER_VARIABLE:warn:PYTHONPATH',
      'DRIFT_MISSING_VAR:error:LD_LIBRARY_PATH',
    ]);
    expect(report.findings[0]).toMatchObject({ message: expect.stringContaining('--require'), fix: expect.stringContaining('never generates') });
    expect(report.findings[0]!.message).toContain('"loaderControl": true');
    // A sync would not fill it: only a person can.
    expect(report.findings[3]).toMatchObject({
      message: expect.stringContaining('has no fake (it controls how programs load code): set it with devsecrets set LD_LIBRARY_PATH, or give it a default'),
      fix: 'devsecrets set LD_LIBRARY_PATH',
    });
  });

  it('a value a person set is fine; never quoted', () => {
    const report = diagnose(loaderProject((document) => {
      document.vars.LD_LIBRARY_PATH = { value: '/opt/secret-lib', origin: 'set', updatedAt: NOW.toISOString() };
    }).facts);
    expect(codes(report.findings)).toEqual(['LOADER_VARIABLE:warn:NODE_OPTIONS', 'LOADER_VARIABLE:warn:LD_LIBRARY_PATH', 'LOADER_VARIABLE:warn:PYTHONPATH']);
    expect(JSON.stringify(report)).not.toContain('/opt/secret-lib');
    expect(report.ok).toBe(true);
  });

  it('a fake an older devsecrets generated for one is reported, and doctor --fix removes it', () => {
    const { manifest, document, facts } = loaderProject((stored) => {
      stored.vars.NODE_OPTIONS = { value: 'fake-old', origin: 'generated', updatedAt: NOW.toISOString() };
      stored.vars.LD_LIBRARY_PATH = { value: '/opt/lib', origin: 'set', updatedAt: NOW.toISOString() };
      stored.manifest.digest = 'an older manifest';
    });
    const findings = diagnose(facts).findings.filter((finding) => finding.code === 'LOADER_VARIABLE' && finding.var === 'NODE_OPTIONS');
    expect(findings.map((finding) => finding.fix)).toEqual([expect.any(String), 'devsecrets sync removes it']);
    expect(planFixes(facts, []).sync).toBe(true);
    expect(syncSafely(document, manifest, NOW)).toEqual({ seeded: [], dropped: ['NODE_OPTIONS'], synced: true });
    expect(document.vars.NODE_OPTIONS).toBeUndefined();
    expect(document.vars.LD_LIBRARY_PATH?.value).toBe('/opt/lib');
  });

  it('doctor --fix plans no sync for a loader-control variable it cannot fill, and seeds none', () => {
    expect(planFixes(loaderProject().facts, []).sync).toBe(false);
    const { manifest, document, facts } = loaderProject((stored) => void delete stored.vars.PORT);
    expect(planFixes(facts, []).sync).toBe(true);
    expect(syncSafely(document, manifest, NOW)).toEqual({ seeded: ['PORT'], dropped: [], synced: true });
    expect(Object.keys(document.vars)).not.toContain('LD_LIBRARY_PATH');
  });
});
