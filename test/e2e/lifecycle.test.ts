// The store's lifecycle: rotate, expiry, sync after a manifest change, import from a
// dotenv file, destroy.
import { existsSync, linkSync, readFileSync, symlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, STANDARD_MANIFEST, type Project, initialisedProject } from '../helpers/cli.js';

afterEach(() => cleanupProjects());

const get = (project: Project, name: string): string => project.run(['get', name]).stdout;

describe('devsecrets rotate', () => {
  it('regenerates generated values, keeps values a person set, renews the expiry', () => {
    const project = initialisedProject();
    const before = { url: get(project, 'DATABASE_URL'), key: get(project, 'SESSION_KEY') };
    expect(project.run(['set', 'STRIPE_KEY'], { input: 'sk_test_MINEmineMINEmineMINEmine' }).code).toBe(0);

    const result = project.run(['rotate']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const rotated = /devsecrets: rotated: (.*)/.exec(result.stderr)?.[1]?.split(', ');
    expect(rotated).toEqual(expect.arrayContaining(['DATABASE_URL', 'SESSION_KEY', 'ADMIN_EMAIL']));
    // Values with a default come out the same: counted, not listed as changed.
    expect(rotated).not.toContain('API_TIMEOUT');
    expect(rotated).not.toContain('LOG_LEVEL');
    expect(result.stderr).toContain('devsecrets: 2 regenerated values came out unchanged (a default, or a type with few values)');
    expect(result.stderr).toContain('kept values you set: STRIPE_KEY');
    expect(result.stderr).toMatch(/the store now expires on \d{4}-/);
    expect(get(project, 'DATABASE_URL')).not.toBe(before.url);
    expect(get(project, 'SESSION_KEY')).not.toBe(before.key);
    expect(get(project, 'STRIPE_KEY')).toBe('sk_test_MINEmineMINEmineMINEmine\n');
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });

  it('rotates only the named variables, a person\'s value included when named', () => {
    const project = initialisedProject();
    const url = get(project, 'DATABASE_URL');
    expect(project.run(['set', 'STRIPE_KEY'], { input: 'sk_test_MINEmineMINEmineMINEmine' }).code).toBe(0);

    const result = project.run(['rotate', 'STRIPE_KEY']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('devsecrets: rotated: STRIPE_KEY');
    expect(get(project, 'STRIPE_KEY')).toMatch(/^sk_test_FAKE/);
    expect(get(project, 'DATABASE_URL')).toBe(url);
    expect(project.run(['ls', '--json']).stdout).toContain('"origin": "generated"');
  });

  it('says so when no named value could change', () => {
    const project = initialisedProject();

    const result = project.run(['rotate', 'API_TIMEOUT']);

    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('rotated:');
    expect(result.stderr).toContain('devsecrets: no value changed');
    expect(result.stderr).toContain('devsecrets: 1 regenerated value came out unchanged');
    expect(get(project, 'API_TIMEOUT')).toBe('30\n');
  });

  it('--seed makes rotation reproducible; an unknown name is refused (exit 3)', () => {
    const seed = 'ab'.repeat(32);
    const a = initialisedProject();
    const b = initialisedProject();
    expect(a.run(['rotate', '--seed', seed]).code).toBe(0);
    expect(b.run(['rotate', '--seed', seed]).code).toBe(0);
    expect(get(a, 'STRIPE_KEY')).toBe(get(b, 'STRIPE_KEY'));
    const unknown = a.run(['rotate', 'NOPE']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('NOPE');
  });
});

describe('expiry', () => {
  it('run refuses an expired store (exit 4, hint rotate); --allow-expired says so loudly; rotate renews it', async () => {
    const project = initialisedProject({ ...STANDARD_MANIFEST, ttl: '1s' });
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const refused = project.run(['run', '--', 'node', '-e', "process.stdout.write('child ran')"]);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/devsecrets: error: the store expired on /);
    expect(refused.stderr).toContain('devsecrets: hint: devsecrets rotate');

    const forced = project.run(['run', '--allow-expired', '--', 'node', '-e', "process.stdout.write('child ran')"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('child ran');
    expect(forced.stderr).toContain('--allow-expired');

    expect(project.run(['ls']).stderr).toContain('warning: the store expired');
    project.writeManifest(STANDARD_MANIFEST);
    expect(project.run(['rotate']).code).toBe(0);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    expect(project.run(['ls']).stderr).toMatch(/the store expires in 29d 23h/);
  });
});

describe('devsecrets sync', () => {
  it('follows a manifest change: adds, removes, regenerates, records the version', () => {
    const project = initialisedProject();
    project.writeManifest({
      ...STANDARD_MANIFEST,
      version: 2,
      vars: {
        ...STANDARD_MANIFEST.vars,
        SESSION_KEY: undefined,
        STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 40, secret: true },
        WEBHOOK_SECRET: { type: 'token', prefix: 'whsec_', length: 38, secret: true },
      },
    });
    const before = project.run(['run', '--', 'true']);
    expect(before.code).toBe(4);
    expect(before.stderr).toContain('synced with manifest version 1; the manifest is now version 2');
    expect(before.stderr).toContain('devsecrets: hint: devsecrets sync');

    const result = project.run(['sync']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('added with fresh fakes: WEBHOOK_SECRET');
    expect(result.stderr).toContain('removed (no longer in the manifest): SESSION_KEY');
    expect(result.stderr).toContain('regenerated (no longer valid): STRIPE_KEY');
    expect(result.stderr).toContain('store synced with manifest version 2');
    expect(get(project, 'STRIPE_KEY')).toHaveLength(41);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });

  it('reports a value a person set that no longer validates, and never overwrites it (exit 3)', () => {
    const project = initialisedProject();
    expect(project.run(['set', 'API_TIMEOUT', '90']).code).toBe(0);
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, API_TIMEOUT: { type: 'int', min: 1, max: 60 } } });

    const result = project.run(['sync']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('devsecrets:   API_TIMEOUT: ');
    expect(result.stderr).not.toContain('90');
    expect(get(project, 'API_TIMEOUT')).toBe('90\n');
  });
});

describe('devsecrets import', () => {
  const dotenv = [
    '# copied from a colleague, do not commit',
    'export DATABASE_URL="postgresql://app:Imp0rted-Passw0rd-77@localhost:5432/app?sslmode=require"',
    "LOG_LEVEL='debug'",
    'API_TIMEOUT=45 # seconds',
    '',
  ].join('\n');

  it('moves values into the store as imported, never printing them; --delete removes the file', () => {
    const project = initialisedProject();
    project.write('.env', dotenv);

    const result = project.run(['import', '.env', '--delete']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('imported 3 variables: DATABASE_URL, LOG_LEVEL, API_TIMEOUT');
    expect(result.stderr).toContain('deleted .env');
    expect(result.stderr).not.toContain('Imp0rted-Passw0rd-77');
    expect(existsSync(project.path('.env'))).toBe(false);
    expect(get(project, 'DATABASE_URL')).toBe('postgresql://app:Imp0rted-Passw0rd-77@localhost:5432/app?sslmode=require\n');
    expect(get(project, 'API_TIMEOUT')).toBe('45\n');
    const listing = JSON.parse(project.run(['ls', '--json']).stdout) as { vars: { name: string; origin: string }[] };
    expect(listing.vars.find((row) => row.name === 'LOG_LEVEL')?.origin).toBe('imported');
  });

  it('without --delete keeps the file and says it is still plaintext', () => {
    const project = initialisedProject();
    project.write('.env', dotenv);
    const result = project.run(['import', '.env']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('still holds the values in plaintext');
    expect(readFileSync(project.path('.env'), 'utf8')).toBe(dotenv);
  });

  it.each([
    ['a variable the manifest does not know', 'LOG_LEVEL=info\nLEGACY_SECRET=Old-Secret-Value-1\n', 3, /LEGACY_SECRET/],
    ['an invalid value', 'LOG_LEVEL=verbose\nAPI_TIMEOUT=45\n', 3, /LOG_LEVEL: /],
    ['a live credential', 'STRIPE_KEY=sk_live_abcdefghijklmnopqrstuvwx\n', 3, /STRIPE_KEY: looks like a live Stripe key/],
    ['a malformed file', 'LOG_LEVEL="unterminated\n', 3, /\.env:1 has an unterminated/],
  ])('refuses %s, imports nothing and keeps the file', (_what, text, code, message) => {
    const project = initialisedProject();
    const before = project.run(['ls', '--json']).stdout;
    project.write('.env', text);

    const result = project.run(['import', '.env', '--delete']);

    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('Old-Secret-Value-1');
    expect(result.stderr).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(existsSync(project.path('.env'))).toBe(true);
    expect(project.run(['ls', '--json']).stdout).toBe(before);
  });
  it.each([
    ['a symbolic link', (project: Project) => symlinkSync(project.path('real.env'), project.path('.env')), 'is a symbolic link', /delete the real file yourself/],
    ['a file with another hard link', (project: Project) => linkSync(project.path('real.env'), project.path('.env')), 'has 2 hard links', /under every one of its names/],
  ])('refuses --delete up front for %s (exit 2); nothing is imported or deleted', (_what, link, problem, hint) => {
    const project = initialisedProject();
    const before = project.run(['ls', '--json']).stdout;
    project.write('real.env', dotenv);
    link(project);

    const result = project.run(['import', '.env', '--delete']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`devsecrets: error: refusing --delete, nothing imported: .env ${problem}`);
    expect(result.stderr).toMatch(/devsecrets: hint: import without --delete/);
    expect(result.stderr).toMatch(hint);
    expect(result.stderr).not.toContain('Imp0rted-Passw0rd-77');
    expect(project.read('.env')).toBe(dotenv);
    expect(project.read('real.env')).toBe(dotenv);
    expect(project.run(['ls', '--json']).stdout).toBe(before);
    expect(project.read('.devsecrets', 'audit.log')).not.toContain('"action":"import"');

    const kept = project.run(['import', '.env']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(get(project, 'API_TIMEOUT')).toBe('45\n');
  });
});

describe('devsecrets destroy', () => {
  it('needs --yes without a terminal (exit 2), then deletes the store and its identity', () => {
    const project = initialisedProject();
    const identity = project.identityFile();

    const refused = project.run(['destroy']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('needs --yes');
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(true);

    const result = project.run(['destroy', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('deleted the store and its identity file');
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(false);
    expect(existsSync(project.path('.devsecrets', 'store.json'))).toBe(false);
    expect(project.read('.devsecrets', 'audit.log')).toContain('"action":"destroy"');
    expect(existsSync(identity)).toBe(false);
    expect(project.run(['run', '--', 'true']).code).toBe(4);
    expect(project.run(['destroy', '--yes']).code).toBe(4);
  });

  it('also deletes the new identity an interrupted rotate --identity left', () => {
    const project = initialisedProject();
    const identity = project.identityFile();
    const pending = identity.replace(/\.txt$/, '-next.txt');
    expect(project.run(['rotate', '--identity'], { env: { DEVSECRETS_FAILPOINT: 'rotate-identity:pending-saved' } }).code).toBe(128 + 9);
    expect(existsSync(pending)).toBe(true);

    const result = project.run(['destroy', '--yes']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`its identity file ${identity}, and the new identity an interrupted rotate --identity left`);
    expect(existsSync(identity)).toBe(false);
    expect(existsSync(pending)).toBe(false);
  });
});
