/**
 * `devsecrets run -- CMD`, end to end: what the child sees, what it never sees, exit
 * statuses, signals, and every reason to refuse to run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  STANDARD_MANIFEST, cleanupProjects, createProject, initialisedProject, waitForExit, waitForOutput, type Project,
} from '../helpers/cli.js';

const VALID_TOKEN = 'sk_test_Inherited0123456789abcde';

/** `node -e` programs the child runs. */
const printVar = (name: string): string[] => ['node', '-e', `process.stdout.write(process.env.${name} ?? '<unset>')`];
const printEnvKeys = ['node', '-e', 'process.stdout.write(JSON.stringify(Object.keys(process.env).sort()))'];
/** A `--require` hook that appends every id devsecrets require()s (built-ins, packages, its own bundles) to $REQUIRE_LOG. */
const LOG_REQUIRES = `const { appendFileSync } = require('node:fs');
const Module = require('node:module');
const load = Module.prototype.require;
Module.prototype.require = function (id) { appendFileSync(process.env.REQUIRE_LOG, id + '\\n'); return load.apply(this, arguments); };
`;

describe('devsecrets run', () => {
  // One initialised project for the tests that only read its store.
  let shared: Project;
  beforeAll(() => {
    shared = createProject({ manifest: STANDARD_MANIFEST });
    const init = shared.run(['init']);
    expect(init.code).toBe(0);
  });
  afterAll(() => shared.cleanup());
  // Projects of single tests go after each; `shared` stays for the whole file.
  afterEach(() => cleanupProjects(shared));

  it('gives the child the store values; stdout is exactly the child output', () => {
    const stored = shared.run(['get', 'DATABASE_URL']);
    expect(stored.code).toBe(0);

    const result = shared.run(['run', '--', ...printVar('DATABASE_URL')]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(stored.stdout.replace(/\n$/, ''));
    expect(result.stdout).toMatch(/^postgres(ql)?:\/\/.*sslmode=require/);
    expect(result.stderr).toBe('');
  });

  it('gives the child manifest defaults for variables the store lacks', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['unset', 'API_TIMEOUT']).code).toBe(0);

    const result = project.run(['run', '--', ...printVar('API_TIMEOUT')]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('30');
  });

  it('never passes DEVSECRETS_* variables to the child', () => {
    const result = shared.run(['run', '--', ...printEnvKeys], { env: { DEVSECRETS_KEYCHAIN: 'off', DEVSECRETS_FOO: '1', devsecrets_lower: '1' } });

    expect(result.code).toBe(0);
    const keys = JSON.parse(result.stdout) as string[];
    expect(keys.filter((key) => key.toUpperCase().startsWith('DEVSECRETS_'))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['PATH', 'HOME', 'LANG', 'TMPDIR', ...Object.keys(STANDARD_MANIFEST.vars)]));
  });

  it('overrides an inherited value with the store value and names it on stderr, without the value', () => {
    const stored = shared.run(['get', 'STRIPE_KEY']).stdout.trim();

    const result = shared.run(['run', '--', ...printVar('STRIPE_KEY')], { env: { STRIPE_KEY: VALID_TOKEN } });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(stored);
    expect(result.stderr).toBe("devsecrets: STRIPE_KEY: the store's value overrides the inherited one\n");
    expect(result.stderr).not.toContain(VALID_TOKEN);
    expect(result.stderr).not.toContain(stored);
  });

  it('--prefer-env keeps the inherited value', () => {
    const result = shared.run(['run', '--prefer-env', '--', ...printVar('STRIPE_KEY')], { env: { STRIPE_KEY: VALID_TOKEN } });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(VALID_TOKEN);
    expect(result.stderr).toBe('devsecrets: STRIPE_KEY: keeping the inherited value (--prefer-env)\n');
  });

  it('--isolate passes only manifest variables and the essentials', () => {
    const result = shared.run(['run', '--isolate', '--', ...printEnvKeys], { env: { FOO_PARENT: '1', USER: 'dev' } });

    expect(result.code).toBe(0);
    const keys = JSON.parse(result.stdout) as string[];
    expect(keys).not.toContain('FOO_PARENT');
    expect(keys).toEqual([...Object.keys(STANDARD_MANIFEST.vars), 'HOME', 'LANG', 'PATH', 'TMPDIR', 'USER'].sort());

    // Without --isolate the parent's variable is inherited.
    const open = shared.run(['run', '--', ...printEnvKeys], { env: { FOO_PARENT: '1' } });
    expect(JSON.parse(open.stdout) as string[]).toContain('FOO_PARENT');
  });

  it('--ephemeral needs no store: fresh fakes in memory, nothing on disk', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });

    const first = project.run(['run', '--ephemeral', '--', ...printVar('DATABASE_URL')]);
    const second = project.run(['run', '--ephemeral', '--', ...printVar('STRIPE_KEY')]);

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^postgres(ql)?:\/\/.*sslmode=require/);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^sk_test_[A-Za-z0-9]{24}$/);
    expect(first.stderr + second.stderr).toBe('');
    expect(existsSync(project.path('.devsecrets'))).toBe(false);
  });

  it('exits with the child status', () => {
    const result = shared.run(['run', '--', 'node', '-e', 'process.exit(7)']);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
  });

  it('exits 128+N when the child dies of signal N', () => {
    expect(shared.run(['run', '--', 'node', '-e', "process.kill(process.pid, 'SIGTERM')"]).code).toBe(143);
    expect(shared.run(['run', '--', 'node', '-e', "process.kill(process.pid, 'SIGKILL')"]).code).toBe(137);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const)('forwards %s to the child', async (signal) => {
    const child = shared.start([
      'run', '--', 'node', '-e',
      `process.on('${signal}', () => { process.stdout.write('got ${signal}\\n'); process.exit(0); });
       process.stdout.write('ready\\n');
       setTimeout(() => process.exit(9), 20000);`,
    ]);
    const done = waitForExit(child);
    await waitForOutput(child, 'ready');

    child.kill(signal);
    const result = await done;

    expect(result.stdout).toBe(`ready\ngot ${signal}\n`);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('exits 127 when the command is not found', () => {
    const result = shared.run(['run', '--', 'no-such-command-devsecrets-e2e']);
    expect(result.code).toBe(127);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: command not found: no-such-command-devsecrets-e2e');
    expect(result.stderr).toContain('devsecrets: hint: ');
  });

  it('exits 126 when the file is not executable', () => {
    shared.write('script.sh', '#!/bin/sh\necho hi\n');

    const result = shared.run(['run', '--', './script.sh']);

    expect(result.code).toBe(126);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: command is not executable: ./script.sh');
    expect(result.stderr).toContain('chmod +x ./script.sh');
  });

  it('exits 126 and says why when the system refuses to start the command (a value too large to pass), never the value', () => {
    const project = initialisedProject({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, CERT_BUNDLE: { type: 'string', secret: true } } });
    // Linux passes no string of 128 KiB or more to a program (E2BIG).
    const value = 'LargeSecretChunk'.repeat(9000);
    expect(project.run(['set', 'CERT_BUNDLE'], { input: value }).code).toBe(0);

    const result = project.run(['run', '--', 'node', '-e', "process.stdout.write('child ran')"]);

    expect(result.code).toBe(126);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: could not start node (E2BIG: its arguments and environment are too large)');
    expect(result.stderr).toContain('devsecrets: hint: ');
    expect(result.stderr).not.toContain('LargeSecretChunk');
  });

  it('refuses a store variable the manifest does not know (exit 3)', () => {
    const project = createProject({ manifest: { ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, LEGACY_FLAG: { type: 'string' } } } });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['set', 'LEGACY_FLAG', 'legacy-value-123']).code).toBe(0);
    project.writeManifest(STANDARD_MANIFEST);

    const result = project.run(['run', '--', 'node', '-e', "process.stdout.write('child ran')"]);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: refusing to run: 1 problem with the environment');
    expect(result.stderr).toContain('devsecrets:   LEGACY_FLAG: is in the store but not in the manifest');
    expect(result.stderr).toContain('devsecrets: hint: ');
    expect(result.stderr).not.toContain('legacy-value-123');
  });

  it('checks the store again when the manifest changed since it was written (exit 3)', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    // Same meaning, other bytes: the store's stamp no longer applies, everything is re-checked.
    project.write('devsecrets.json', JSON.stringify(STANDARD_MANIFEST));
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    // A stricter manifest: the stored fake token is now too short.
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 40, secret: true } } });

    const result = project.run(['run', '--', 'node', '-e', "process.stdout.write('child ran')"]);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets:   STRIPE_KEY: must be 40 characters long');
  });

  // [what, variable, inherited value, its secret part, the reason printed]
  it.each([
    ['a url with sslmode=disable where the manifest requires require', 'DATABASE_URL', 'postgresql://app:Str0ng-Passw0rd-42@localhost:5432/app?sslmode=disable', 'Str0ng-Passw0rd-42', /sslmode/],
    ['a live Stripe key', 'STRIPE_KEY', 'sk_live_abcdefghijklmnopqrstuvwx', 'abcdefghijklmnopqrstuvwx', /live Stripe key/],
    ['a weak url password', 'DATABASE_URL', 'postgresql://app:postgres@localhost:5432/app?sslmode=require', ':postgres@', /weak password/],
    ['a host the manifest forbids', 'DATABASE_URL', 'postgresql://app:Str0ng-Passw0rd-42@db.prod.example.com:5432/app?sslmode=require', 'Str0ng-Passw0rd-42', /forbid/],
  ])('refuses %s (exit 3), naming the variable, never the value', (_label, name, value, secretPart, reason) => {
    const result = shared.run(['run', '--prefer-env', '--', 'node', '-e', "process.stdout.write('child ran')"], { env: { [name]: value } });

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: error: refusing to run:');
    expect(result.stderr).toContain(`devsecrets:   ${name}: `);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toContain(value);
    expect(result.stderr).not.toContain(secretPart);
  });

  it('refuses an inherited value that fails validation with --prefer-env (exit 3)', () => {
    const result = shared.run(['run', '--prefer-env', '--', 'true'], { env: { API_TIMEOUT: '5000', LOG_LEVEL: 'verbose' } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refusing to run: 2 problems with the environment');
    expect(result.stderr).toContain('devsecrets:   API_TIMEOUT: ');
    expect(result.stderr).toContain('devsecrets:   LOG_LEVEL: ');
    expect(result.stderr).not.toContain('5000');
    expect(result.stderr).not.toContain('verbose');
  });

  it('refuses when a required variable has no value (exit 3)', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['unset', 'ADMIN_EMAIL']).code).toBe(0);

    const result = project.run(['run', '--', 'true']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets:   ADMIN_EMAIL: is required but has no value');
  });

  it('needs a command (exit 2)', () => {
    const result = shared.run(['run']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^devsecrets: error: missing required argument 'command'/);

    const unknown = shared.run(['run', '--no-such-option', '--', 'true']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--no-such-option'");
    expect(shared.run(['run', '--', '--']).code).toBe(127);
  });

  it('reads its flags with or without --, and leaves the child\'s own flags alone', () => {
    const printArgs = ['sh', '-c', 'printf "%s," "$@"', 'sh'];
    expect(shared.run(['run', '--isolate', ...printArgs, '--isolate', '--json']).stdout).toBe('--isolate,--json,');
    expect(shared.run(['run', '--isolate', '--', ...printArgs, '--help']).stdout).toBe('--help,');
    const help = shared.run(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--allow-expired');
    expect(shared.run(['--manifest', shared.path('devsecrets.json'), 'run', '--', 'true']).code).toBe(0);
  });

  it('on a store its stamp vouches for, loads Node\'s built-ins only: not the checks (zod), not commander, no other package', () => {
    // The bundle tests see what dist/cli.cjs holds; only a real run shows what it loads, and
    // that the stamp written by init lets run skip the checks.
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { 'log-requires.cjs': LOG_REQUIRES } });
    expect(project.run(['init']).code).toBe(0);
    const log = project.path('required.txt');

    const result = project.run(['run', '--', 'true'], { env: { NODE_OPTIONS: `--require ${project.path('log-requires.cjs')}`, REQUIRE_LOG: log } });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const required = readFileSync(log, 'utf8').trim().split('\n');
    expect(required).toContain('node:crypto');
    // A package's own relative requires follow its name; the name is enough to show.
    expect([...new Set(required.filter((id) => !id.startsWith('node:') && !id.startsWith('.')))]).toEqual([]);
  });

  it('a refusal is not turned into JSON by a --json meant for the child', () => {
    const result = shared.run(['run', '--prefer-env', '--', 'node', 'app.js', '--json'], { env: { PORT: '0' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });
});
