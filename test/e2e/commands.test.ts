/**
 * get, set, unset, ls and check, end to end, and the usage errors every command shares.
 * stdout carries data only; everything else goes to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, createProject, initialisedProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const TOKEN = 'sk_test_0123456789abcdefABCDEFxy';
const URL_VALUE = 'postgresql://app:Xk9-long-Passw0rd@localhost:5432/app?sslmode=require';

/** A clean environment: every variable valid, in a dotenv file. */
const VALID_ENV = [
  `DATABASE_URL=${URL_VALUE}`,
  `STRIPE_KEY=${TOKEN}`,
  'SESSION_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  'API_TIMEOUT=30',
  'LOG_LEVEL=info',
  'PORT=3000',
  'ADMIN_EMAIL=admin@example.test',
];

interface Report {
  ok: boolean;
  findings: { code: string; level: string; message: string; var?: string; fix?: string }[];
}

describe('devsecrets get', () => {
  it('prints the value to a pipe, a secret included', () => {
    const project = initialisedProject();

    const result = project.run(['get', 'STRIPE_KEY']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^sk_test_[A-Za-z0-9]{24}\n$/);
    expect(result.stderr).toBe('');
  });

  it('exit 3 for a name neither in the manifest nor in the store', () => {
    const project = initialisedProject();

    const result = project.run(['get', 'NO_SUCH_VAR']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: NO_SUCH_VAR is neither in the manifest nor in the store');
    expect(result.stderr).toContain('devsecrets: hint: devsecrets ls lists the variables');
  });
});

describe('devsecrets set', () => {
  it('stores a value given as an argument, and it persists', () => {
    const project = initialisedProject();

    const result = project.run(['set', 'LOG_LEVEL', 'warn']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('devsecrets: set LOG_LEVEL (enum, 4 chars)\n');
    expect(project.run(['get', 'LOG_LEVEL']).stdout).toBe('warn\n');
    expect(project.run(['run', '--', 'node', '-e', 'process.stdout.write(process.env.LOG_LEVEL)']).stdout).toBe('warn');
  });

  it('warns when a secret is given on the command line', () => {
    const project = initialisedProject();

    const result = project.run(['set', 'STRIPE_KEY', TOKEN]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: warning: STRIPE_KEY is secret and was given on the command line');
    expect(result.stderr).toContain('devsecrets: set STRIPE_KEY (secret token, 32 chars)');
    expect(result.stderr).not.toContain(TOKEN);
    expect(project.run(['get', 'STRIPE_KEY']).stdout).toBe(`${TOKEN}\n`);
  });

  it('reads the value from stdin, minus one trailing newline, without a warning', () => {
    const project = initialisedProject();

    const result = project.run(['set', 'DATABASE_URL'], { input: `${URL_VALUE}\n` });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`devsecrets: set DATABASE_URL (secret url, ${URL_VALUE.length} chars)\n`);
    expect(project.run(['get', 'DATABASE_URL']).stdout).toBe(`${URL_VALUE}\n`);
    const ls = JSON.parse(project.run(['ls', '--json']).stdout) as { vars: { name: string; origin: string }[] };
    expect(ls.vars.find((row) => row.name === 'DATABASE_URL')?.origin).toBe('set');
  });

  it.each([
    ['an int out of range', 'API_TIMEOUT', '500'],
    ['a value not in the enum', 'LOG_LEVEL', 'verbose'],
    ['a token of the wrong length', 'STRIPE_KEY', 'sk_test_short'],
    ['a url without sslmode=require', 'DATABASE_URL', 'postgresql://app:Xk9-long-Passw0rd@localhost:5432/app'],
    ['a live key', 'STRIPE_KEY', 'sk_live_0123456789abcdefABCDEFxy'],
  ])('refuses %s (exit 3) and leaves the store unchanged', (_label, name, value) => {
    const project = initialisedProject();
    const before = readFileSync(project.path('.devsecrets', 'store.age'));
    const old = project.run(['get', name]).stdout;

    const result = project.run(['set', name], { input: value });

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`devsecrets: error: not saved: the value for ${name} is not acceptable`);
    expect(result.stderr).toContain(`devsecrets:   ${name}: `);
    expect(result.stderr).toContain('devsecrets: hint: the store is unchanged');
    expect(result.stderr).not.toContain(value);
    expect(readFileSync(project.path('.devsecrets', 'store.age')).equals(before)).toBe(true);
    expect(project.run(['get', name]).stdout).toBe(old);
  });

  it('refuses a variable the manifest does not declare (exit 3)', () => {
    const project = initialisedProject();

    const result = project.run(['set', 'NOT_DECLARED', 'x']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('devsecrets: error: NOT_DECLARED is not in the manifest');
  });
});

describe('devsecrets unset', () => {
  it('removes a value; a required one makes run refuse until it is set again', () => {
    const project = initialisedProject();

    const result = project.run(['unset', 'PORT']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: removed PORT from the store');
    expect(result.stderr).toContain('devsecrets: warning: PORT is required by the manifest');
    const get = project.run(['get', 'PORT']);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain('devsecrets: error: PORT has no value in the store');
    expect(project.run(['run', '--', 'true']).code).toBe(3);
    expect(project.run(['set', 'PORT', '8080']).code).toBe(0);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });

  it('removes a value with a manifest default: run then passes the default', () => {
    const project = initialisedProject();

    const result = project.run(['unset', 'API_TIMEOUT']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("devsecrets: removed API_TIMEOUT from the store\ndevsecrets: devsecrets run now passes the manifest's default for API_TIMEOUT\n");
    const child = project.run(['run', '--', 'node', '-e', 'process.stdout.write(process.env.API_TIMEOUT)']);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toBe('30');
  });

  it('fails for a name not in the store (exit 1)', () => {
    const project = initialisedProject();
    const result = project.run(['unset', 'NOT_THERE']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('devsecrets: error: NOT_THERE is not in the store');
  });
});

describe('devsecrets ls', () => {
  it('lists names, types and origins; secret values are masked, others shown', () => {
    const project = initialisedProject();
    const values = Object.fromEntries(Object.keys(STANDARD_MANIFEST.vars).map((name) => [name, project.run(['get', name]).stdout.trim()]));

    const result = project.run(['ls']);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^devsecrets: the store expires in 29d 23h \(\d{4}-[^)]+\)\n$/);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+ORIGIN\s+VALUE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(Object.keys(STANDARD_MANIFEST.vars).sort());
    expect(result.stdout).toMatch(/^DATABASE_URL\s+url \(secret\)\s+generated\s+\S+/m);
    expect(result.stdout).toMatch(new RegExp(`^LOG_LEVEL\\s+enum\\s+generated\\s+${values.LOG_LEVEL}$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^API_TIMEOUT\\s+int\\s+generated\\s+${values.API_TIMEOUT}$`, 'm'));
    for (const name of ['DATABASE_URL', 'STRIPE_KEY', 'SESSION_KEY']) {
      expect(result.stdout, name).not.toContain(values[name]);
    }
  });

  it('--json prints one document with masked secrets', () => {
    const project = initialisedProject();
    const stripe = project.run(['get', 'STRIPE_KEY']).stdout.trim();
    const port = project.run(['get', 'PORT']).stdout.trim();

    const result = project.run(['ls', '--json']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const document = JSON.parse(result.stdout) as { storeId: string; expiresAt: string; vars: { name: string; type: string; secret: boolean; origin: string; value: string | null }[] };
    expect(document.storeId).toMatch(/^[A-Za-z0-9-]+$/);
    expect(Date.parse(document.expiresAt)).toBeGreaterThan(Date.now());
    const stripeRow = document.vars.find((row) => row.name === 'STRIPE_KEY');
    expect(stripeRow).toMatchObject({ type: 'token', secret: true, origin: 'generated' });
    expect(stripeRow?.value).not.toBe(stripe);
    expect(stripeRow?.value).toContain('32');
    expect(result.stdout).not.toContain(stripe);
    expect(document.vars.find((row) => row.name === 'PORT')).toMatchObject({ type: 'port', secret: false, value: port });
  });
});

describe('devsecrets check', () => {
  it('exit 0 when the environment satisfies the manifest (no store needed)', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const env = Object.fromEntries(VALID_ENV.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));

    const result = project.run(['check'], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('devsecrets: no problems found\n');
  });

  it('exit 0 for a clean --env-file', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { '.env.production': `${VALID_ENV.join('\n')}\n` } });

    const result = project.run(['check', '--env-file', '.env.production', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, findings: [] });
  });

  it('exit 1 with DRIFT_MISSING_VAR, DRIFT_INVALID_VALUE and INSECURE_VALUE findings', () => {
    const lines = VALID_ENV
      .filter((line) => !line.startsWith('ADMIN_EMAIL='))
      .map((line) => (line.startsWith('API_TIMEOUT=') ? 'API_TIMEOUT=500' : line))
      .map((line) => (line.startsWith('DATABASE_URL=') ? 'DATABASE_URL=postgresql://app:Xk9-long-Passw0rd@db.prod.example.com:5432/app?sslmode=require' : line));
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { '.env': `${lines.join('\n')}\n` } });

    const text = project.run(['check', '--env-file', '.env']);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('devsecrets: 3 errors');
    expect(text.stderr).toMatch(/^devsecrets: {3}DRIFT_MISSING_VAR ADMIN_EMAIL is required but not set in \.env/m);
    expect(text.stderr).toMatch(/^devsecrets: {3}DRIFT_INVALID_VALUE API_TIMEOUT: /m);
    expect(text.stderr).toMatch(/^devsecrets: {3}INSECURE_VALUE DATABASE_URL: /m);
    expect(text.stderr).not.toContain('Xk9-long-Passw0rd');

    const json = project.run(['check', '--env-file', '.env', '--json']);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(report.findings.map(({ code, level, var: name }) => ({ code, level, var: name }))).toEqual([
      { code: 'DRIFT_MISSING_VAR', level: 'error', var: 'ADMIN_EMAIL' },
      { code: 'DRIFT_INVALID_VALUE', level: 'error', var: 'API_TIMEOUT' },
      { code: 'INSECURE_VALUE', level: 'error', var: 'DATABASE_URL' },
    ]);
    for (const finding of report.findings) expect(typeof finding.message).toBe('string');
    expect(json.stdout).not.toContain('Xk9-long-Passw0rd');
  });

  it('checks the process environment too', () => {
    const project = createProject({ manifest: { vars: { PORT: { type: 'port' }, STRIPE_KEY: STANDARD_MANIFEST.vars.STRIPE_KEY } } });

    const result = project.run(['check', '--json'], { env: { PORT: 'eighty', STRIPE_KEY: 'sk_live_0123456789abcdefABCDEFxy' } });

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((finding) => `${finding.code} ${finding.var}`).sort()).toEqual(
      ['DRIFT_INVALID_VALUE PORT', 'DRIFT_INVALID_VALUE STRIPE_KEY', 'INSECURE_VALUE STRIPE_KEY'],
    );
    expect(result.stdout).not.toContain('sk_live_0123456789');
  });

  // Run through the #! line, as a user's `devsecrets check --env-file …` is: Node 20 itself
  // acts on an `--env-file` it finds after the script (nodejs/node#54232).
  it('a missing --env-file is exit 3 (devsecrets: error), not a Node start-up failure', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });

    const missing = project.run(['check', '--env-file', 'nope.env'], { shebang: true });

    expect(missing.stderr).toMatch(/^devsecrets: error: cannot read .*nope\.env \(ENOENT\) \[ENV_FILE_INVALID\]$/m);
    expect(missing.code).toBe(3);
  });

  it('checking an env file never runs what its NODE_OPTIONS says', () => {
    const project = createProject({
      manifest: STANDARD_MANIFEST,
      files: {
        'evil.cjs': "require('fs').writeFileSync(__dirname + '/PWNED', 'ran')\n",
        '.env.untrusted': 'NODE_OPTIONS="--require ./evil.cjs"\nPORT=3000\n',
      },
    });

    const result = project.run(['check', '--env-file', '.env.untrusted'], { shebang: true });

    expect(result.code).toBe(1);
    expect(existsSync(project.path('PWNED'))).toBe(false);
  });

  it('a malformed --env-file is exit 3, with the line number only', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { '.env': 'PORT=3000\nSTRIPE_KEY="sk_test_unterminated\n' } });

    const malformed = project.run(['check', '--env-file', '.env']);
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toMatch(/^devsecrets: error: (.*\/)?\.env:2 has an unterminated " quote \[ENV_FILE_INVALID\]$/m);
    expect(malformed.stderr).not.toContain('sk_test_unterminated');
  });
});

describe('usage errors (exit 2)', () => {
  it.each([
    [['frobnicate'], /^devsecrets: error: unknown command 'frobnicate'/],
    [['ls', '--bogus'], /^devsecrets: error: unknown option '--bogus'/],
    [['--bogus', 'ls'], /^devsecrets: error: unknown option '--bogus'/],
    [['get'], /^devsecrets: error: missing required argument 'name'/],
    [['set'], /^devsecrets: error: missing required argument 'name'/],
    [['get', 'A', 'B'], /^devsecrets: error: too many arguments/],
    [['check', '--env-file'], /^devsecrets: error: option '--env-file <file>' argument missing/],
    [['init', '--seed'], /^devsecrets: error: option '--seed <hex>' argument missing/],
  ])('devsecrets %j', (args, message) => {
    const project = createProject({ manifest: STANDARD_MANIFEST });

    const result = project.run(args);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('with --json, a usage error is also one JSON document on stdout', () => {
    const result = createProject({ manifest: STANDARD_MANIFEST }).run(['ls', '--bogus', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      findings: [{ code: 'USAGE', level: 'error', message: "unknown option '--bogus'", fix: 'run devsecrets --help for usage' }],
    });
  });

  it('--help, help COMMAND and --version print to stdout, exit 0', () => {
    const project = createProject();
    const help = project.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: devsecrets');
    const helpRun = project.run(['help', 'run']);
    expect(helpRun.code).toBe(0);
    expect(helpRun.stdout).toContain('Usage: devsecrets run');
    const version = project.run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('no command at all prints the usage on stderr, exit 2', () => {
    const result = createProject().run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: devsecrets');
  });
});

describe('stdout carries data only', () => {
  it('init, set, unset and a quiet run print nothing to stdout themselves', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const steps = [
      project.run(['init']),
      project.run(['set', 'LOG_LEVEL', 'debug']),
      project.run(['set', 'STRIPE_KEY'], { input: TOKEN }),
      project.run(['unset', 'PORT']),
      project.run(['set', 'PORT', '4000']),
      project.run(['init']),
      project.run(['run', '--', 'true']),
      project.run(['run', '--', 'node', '-e', "process.stdout.write('only the child')"], { env: { LOG_LEVEL: 'warn' } }),
    ];
    for (const [index, step] of steps.entries()) expect(step.code, `step ${index}: ${step.stderr}`).toBe(0);
    expect(steps.slice(0, -1).map((step) => step.stdout)).toEqual(steps.slice(0, -1).map(() => ''));
    expect(steps.at(-1)?.stdout).toBe('only the child');
    for (const step of steps) {
      for (const line of step.stderr.trimEnd().split('\n').filter(Boolean)) expect(line).toMatch(/^devsecrets: /);
    }
  });
});
