/**
 * The leak test (DESIGN.md safety invariants 1 and 5): a known secret is planted in the
 * store, then driven through every command and every error path. It may appear only where
 * a person asked for it — `get` of that variable, on stdout — and in the child's own output
 * under `run`. It must never appear in a diagnostic, a `--json` document, the child's or
 * devsecrets' command line, or any plaintext file under the project, DEVSECRETS_HOME or
 * TMPDIR.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, createProject, listFiles, type Project, type RunOptions, type RunResult } from '../helpers/cli.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomAlnum = (length: number): string => Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** Two needles: a leak of any run of the secret's middle or of its random part is caught. */
const CANARY = 'LEAKCANARY';
const RANDOM = randomAlnum(8);
const MARK = `${CANARY}${RANDOM}`;
/** A valid `sk_test_` token of 32 characters, planted in STRIPE_KEY. */
const PLANT = `sk_test_${MARK}${randomAlnum(32 - 8 - MARK.length)}`;
/** A strong url password, planted in DATABASE_URL. */
const URL_PASSWORD = `Pw-${MARK}`;
const PLANT_URL = `postgresql://app:${URL_PASSWORD}@localhost:5432/app?sslmode=require`;

/** Values carrying the canary that each command must refuse without quoting them. */
const BAD = {
  shortToken: `sk_test_${MARK}`,
  liveToken: `sk_live_${MARK}${randomAlnum(6)}`,
  pemInToken: `-----BEGIN PRIVATE KEY-----\n${MARK}\n-----END PRIVATE KEY-----`,
  sslDisabledUrl: `postgresql://app:${URL_PASSWORD}@localhost:5432/app?sslmode=disable`,
  forbiddenHostUrl: `postgresql://app:${URL_PASSWORD}@db.prod.example.com:5432/app?sslmode=require`,
  wrongProtocolUrl: `mysql://app:${URL_PASSWORD}@localhost:3306/app`,
  noSslUrl: `postgresql://app:${URL_PASSWORD}@localhost:5432/app`,
  weakUrl: `postgresql://${MARK}:${MARK}@localhost:5432/app?sslmode=require`,
  notAnInt: MARK,
  notInEnum: MARK,
} as const;

function leaks(text: string): boolean {
  return text.includes(CANARY) || text.includes(RANDOM);
}

/** Neither stream of a devsecrets run mentions the secret. */
function expectNoLeak(label: string, result: RunResult): void {
  expect(leaks(result.stdout), `${label}: stdout leaks the secret:\n${result.stdout}`).toBe(false);
  expect(leaks(result.stderr), `${label}: stderr leaks the secret:\n${result.stderr}`).toBe(false);
}

const CHILD_OK = ['node', '-e', "process.stdout.write('child ran')"];

const projects: Project[] = [];
let inputs: string;

/** An initialised project with the secret planted through stdin, as a user would. */
function plantedProject(): Project {
  const project = createProject({ manifest: STANDARD_MANIFEST });
  projects.push(project);
  expectNoLeak('init', project.run(['init']));
  const token = project.run(['set', 'STRIPE_KEY'], { input: `${PLANT}\n` });
  expect(token.code, token.stderr).toBe(0);
  expectNoLeak('set STRIPE_KEY', token);
  const url = project.run(['set', 'DATABASE_URL'], { input: PLANT_URL });
  expect(url.code, url.stderr).toBe(0);
  expectNoLeak('set DATABASE_URL', url);
  return project;
}

/** A dotenv file outside every scanned folder (it is test input, not devsecrets output). */
function envFile(lines: readonly string[]): string {
  const path = join(inputs, `${randomAlnum(8)}.env`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('a planted secret never leaks', () => {
  let project: Project;

  beforeAll(() => {
    inputs = mkdtempSync(join(tmpdir(), 'devsecrets-leak-inputs-'));
    project = plantedProject();
  });

  afterAll(() => {
    for (const each of projects) each.cleanup();
    rmSync(inputs, { recursive: true, force: true });
  });

  const run = (args: readonly string[], options?: RunOptions): RunResult => project.run(args, options);

  it('init again, ls, ls --json, get of other variables, schema in every format', () => {
    const schemas = ['env-example', 'json-schema', 'dts'].map((format) => ['schema', '--format', format]);
    for (const args of [['init'], ['ls'], ['ls', '--json'], ['get', 'LOG_LEVEL'], ['get', 'SESSION_KEY'], ['get', 'PORT'], ...schemas]) {
      const result = run(args);
      expect(result.code, args.join(' ')).toBe(0);
      expectNoLeak(args.join(' '), result);
    }
  });

  it('get of the secret prints it on stdout only', () => {
    const token = run(['get', 'STRIPE_KEY']);
    expect(token.stdout).toBe(`${PLANT}\n`);
    expect(leaks(token.stderr)).toBe(false);
    const url = run(['get', 'DATABASE_URL']);
    expect(url.stdout).toBe(`${PLANT_URL}\n`);
    expect(leaks(url.stderr)).toBe(false);
  });

  it('set refuses values carrying the secret without quoting them, on stdin and on argv', () => {
    const attempts: [string, string][] = [
      ['STRIPE_KEY', BAD.shortToken],
      ['STRIPE_KEY', BAD.liveToken],
      ['STRIPE_KEY', BAD.pemInToken],
      ['DATABASE_URL', BAD.sslDisabledUrl],
      ['DATABASE_URL', BAD.forbiddenHostUrl],
      ['DATABASE_URL', BAD.wrongProtocolUrl],
      ['DATABASE_URL', BAD.noSslUrl],
      ['DATABASE_URL', BAD.weakUrl],
      ['API_TIMEOUT', BAD.notAnInt],
      ['LOG_LEVEL', BAD.notInEnum],
    ];
    for (const [name, value] of attempts) {
      const piped = run(['set', name], { input: value });
      expect(piped.code, `${name} ${JSON.stringify(value)}`).toBe(3);
      expectNoLeak(`set ${name} < bad value`, piped);
      if (!value.includes('\n')) {
        const argv = run(['set', name, value]);
        expect(argv.code).toBe(3);
        expectNoLeak(`set ${name} <bad value>`, argv);
      }
    }
    expect(run(['get', 'STRIPE_KEY']).stdout).toBe(`${PLANT}\n`);
  });

  it('set of an undeclared variable with the secret', () => {
    const piped = run(['set', 'NOT_DECLARED'], { input: PLANT });
    expect(piped.code).toBe(3);
    expectNoLeak('set NOT_DECLARED < secret', piped);
    const argv = run(['set', 'NOT_DECLARED', PLANT]);
    expect(argv.code).toBe(3);
    expectNoLeak('set NOT_DECLARED <secret>', argv);
  });

  it('check of an env file with the secret as invalid and as insecure values, text and --json', () => {
    const files = [
      envFile([`STRIPE_KEY=${BAD.shortToken}`, `DATABASE_URL=${BAD.sslDisabledUrl}`, `API_TIMEOUT=${BAD.notAnInt}`, `LOG_LEVEL=${BAD.notInEnum}`]),
      envFile([`STRIPE_KEY=${BAD.liveToken}`, `DATABASE_URL=${BAD.forbiddenHostUrl}`, `stripe_key=${PLANT}`]),
      envFile([`STRIPE_KEY="${BAD.pemInToken.replaceAll('\n', '\\n')}"`, `DATABASE_URL=${BAD.weakUrl}`]),
      envFile([`STRIPE_KEY=${PLANT}`, `DATABASE_URL="${PLANT_URL}`]),
      envFile([`${PLANT}`]),
    ];
    for (const file of files) {
      for (const json of [[], ['--json']]) {
        const result = run(['check', '--env-file', file, ...json]);
        expect([1, 3], result.stderr).toContain(result.code);
        expectNoLeak(`check --env-file ${json.join('')}`, result);
      }
    }
  });

  it('check of the process environment with the secret', () => {
    for (const json of [[], ['--json']]) {
      const result = run(['check', ...json], { env: { STRIPE_KEY: BAD.liveToken, DATABASE_URL: BAD.sslDisabledUrl, API_TIMEOUT: BAD.notAnInt, Stripe_Key: PLANT } });
      expect(result.code).toBe(1);
      expectNoLeak('check (env)', result);
    }
  });

  it('run refuses inherited values carrying the secret (--prefer-env), without quoting them', () => {
    const cases: Record<string, string>[] = [
      { STRIPE_KEY: BAD.shortToken },
      { STRIPE_KEY: BAD.liveToken },
      { STRIPE_KEY: BAD.pemInToken },
      { DATABASE_URL: BAD.sslDisabledUrl },
      { DATABASE_URL: BAD.forbiddenHostUrl },
      { DATABASE_URL: BAD.weakUrl },
      { DATABASE_URL: BAD.wrongProtocolUrl, API_TIMEOUT: BAD.notAnInt, LOG_LEVEL: BAD.notInEnum },
    ];
    for (const env of cases) {
      const result = run(['run', '--prefer-env', '--', ...CHILD_OK], { env });
      expect(result.code, JSON.stringify(Object.keys(env))).toBe(3);
      expect(result.stdout).toBe('');
      expectNoLeak(`run --prefer-env with ${Object.keys(env).join(',')}`, result);
    }
  });

  it('run: the secret reaches the child environment, not a command line', () => {
    // The child looks for the secret in its own argv and in devsecrets' argv and environment,
    // deriving the needle from its environment so that the script itself does not hold it.
    const probe = [
      "const fs = require('fs');",
      'const needle = process.env.STRIPE_KEY.slice(8, 18);',
      "const read = (file) => fs.readFileSync(file, 'latin1');",
      'process.stdout.write(JSON.stringify({',
      '  key: process.env.STRIPE_KEY, url: process.env.DATABASE_URL,',
      "  ownArgv: read('/proc/self/cmdline').includes(needle),",
      '  parentArgv: read(`/proc/${process.ppid}/cmdline`).includes(needle),',
      '  parentEnv: read(`/proc/${process.ppid}/environ`).includes(needle),',
      '}));',
    ].join('\n');

    const result = run(['run', '--', 'node', '-e', probe], { env: { STRIPE_KEY: 'sk_test_inheritedinheritedinher' } });

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ key: PLANT, url: PLANT_URL, ownArgv: false, parentArgv: false, parentEnv: false });
    expect(result.stderr).toContain('STRIPE_KEY');
    expect(leaks(result.stderr)).toBe(false);

    for (const flags of [[], ['--isolate']]) {
      const quiet = run(['run', ...flags, '--', ...CHILD_OK]);
      expect(quiet.code).toBe(0);
      expectNoLeak(`run ${flags.join(' ')}`, quiet);
    }
    expectNoLeak('run --ephemeral', run(['run', '--ephemeral', '--', ...CHILD_OK]));
  });

  it('run: a failing, missing or non-executable child', () => {
    project.write('not-executable.sh', '#!/bin/sh\n');
    for (const command of [['node', '-e', 'process.exit(3)'], ['node', '-e', "process.kill(process.pid, 'SIGTERM')"], ['no-such-command-leak-test'], ['./not-executable.sh']]) {
      expectNoLeak(`run -- ${command.join(' ')}`, run(['run', '--', ...command]));
    }
  });

  it('usage errors', () => {
    for (const args of [['frobnicate'], ['ls', '--bogus'], ['set', 'STRIPE_KEY', PLANT, 'extra'], ['get'], ['run'], ['init', '--seed', 'zz'], ['--help'], ['run', '--help']]) {
      const result = run(args);
      expectNoLeak(args.join(' ').replace(PLANT, '<secret>'), result);
    }
  });

  it('manifest errors, with the secret written into the manifest itself', () => {
    const original = project.read('devsecrets.json');
    const broken = [
      // JSON syntax errors next to the secret (V8's own message would quote it).
      `{"vars": {"STRIPE_KEY": {"type": "token", "example": "${PLANT}" x}}}`,
      `{"vars": {"STRIPE_KEY": {"type": "token", "example": ${PLANT}}}}`,
      `{"vars": {"STRIPE_KEY": {"type": "token", "example": "${PLANT}"`,
      // Structural and semantic errors whose offending value is the secret.
      JSON.stringify({ vars: { STRIPE_KEY: { type: 'token', secret: true, default: PLANT } } }),
      JSON.stringify({ vars: { API_TIMEOUT: { type: 'int', default: PLANT } } }),
      JSON.stringify({ vars: { LOG_LEVEL: { type: 'enum', values: ['a', 'b'], default: PLANT } } }),
      JSON.stringify({ vars: { STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 4, default: PLANT } } }),
      JSON.stringify({ vars: { STRIPE_KEY: { type: PLANT } } }),
      JSON.stringify({ ttl: PLANT, vars: {} }),
    ];
    try {
      for (const text of broken) {
        project.write('devsecrets.json', text);
        for (const args of [['run', '--', ...CHILD_OK], ['check', '--json'], ['ls'], ['get', 'STRIPE_KEY']]) {
          const result = run(args);
          expect(result.code, `${args.join(' ')} with a broken manifest`).not.toBe(0);
          expectNoLeak(`${args[0]} with a broken manifest`, result);
        }
      }
    } finally {
      project.write('devsecrets.json', original);
    }
  });

  it('a store variable the manifest does not know, and a missing required one', () => {
    const other = plantedProject();
    const manifest = other.manifest();
    delete manifest.vars.STRIPE_KEY;
    other.writeManifest(manifest);
    const unknown = other.run(['run', '--', ...CHILD_OK]);
    expect(unknown.code).toBe(3);
    expectNoLeak('run with STRIPE_KEY unknown to the manifest', unknown);
    for (const args of [['ls'], ['ls', '--json'], ['get', 'LOG_LEVEL']]) expectNoLeak(args.join(' '), other.run(args));
    const unset = other.run(['unset', 'STRIPE_KEY']);
    expect(unset.code).toBe(0);
    expectNoLeak('unset', unset);

    const missing = plantedProject();
    expectNoLeak('unset DATABASE_URL', missing.run(['unset', 'DATABASE_URL']));
    const refused = missing.run(['run', '--', ...CHILD_OK]);
    expect(refused.code).toBe(3);
    expectNoLeak('run with DATABASE_URL missing', refused);
  });

  it('a corrupt store', () => {
    const damaged = plantedProject();
    const path = damaged.path('.devsecrets', 'store.age');
    const bytes = readFileSync(path);
    const variants = [bytes.subarray(0, bytes.length - 30), Buffer.concat([bytes, Buffer.from('trailing')]), flipLast(bytes)];
    for (const variant of variants) {
      writeFileSync(path, variant);
      for (const args of [['run', '--', ...CHILD_OK], ['get', 'STRIPE_KEY'], ['ls', '--json'], ['set', 'LOG_LEVEL', 'warn']]) {
        const result = damaged.run(args);
        expect(result.code, args.join(' ')).toBe(4);
        expectNoLeak(`${args.join(' ')} on a corrupt store`, result);
      }
      expectNoLeak('init on a corrupt store', damaged.run(['init']));
    }
  });

  it('a wrong or exposed identity', () => {
    const other = plantedProject();
    const result = project.run(['run', '--', ...CHILD_OK], { env: { DEVSECRETS_IDENTITY_FILE: other.identityFile() } });
    expect(result.code).toBe(4);
    expectNoLeak('run with another identity', result);

    chmodSync(other.identityFile(), 0o644);
    for (const args of [['run', '--', ...CHILD_OK], ['get', 'STRIPE_KEY']]) {
      const exposed = other.run(args);
      expect(exposed.code).toBe(4);
      expectNoLeak(`${args[0]} with an identity others can read`, exposed);
    }
    chmodSync(other.identityFile(), 0o600);
  });

  it('doctor (text, --json, --staged, --fix) and the pre-commit hook report leaks without quoting them', () => {
    const leaky = plantedProject();
    const git = (args: readonly string[]): RunResult => {
      const result = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: leaky.dir, env: leaky.env, encoding: 'utf8' });
      return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    };
    // The secret committed verbatim and base64-encoded, a .env shadowing the store with it,
    // and a forbid rule that makes the stored value insecure under today's manifest.
    leaky.write('config.js', `module.exports = { stripe: '${PLANT}' };\n`);
    leaky.write('encoded.txt', `${Buffer.from(PLANT).toString('base64')}\n`);
    leaky.write('.env', `STRIPE_KEY=${PLANT}\n`);
    expect(git(['add', 'config.js', 'encoded.txt']).code).toBe(0);
    expect(git(['commit', '-qm', 'leak']).code).toBe(0);
    leaky.writeManifest({ ...STANDARD_MANIFEST, forbid: [...STANDARD_MANIFEST.forbid, `/sk_test_${CANARY.slice(0, 1)}/`] });

    const doctor = leaky.run(['doctor']);
    expect(doctor.code).toBe(1);
    for (const code of ['LEAKED_VALUE', 'ENV_FILE_SHADOW', 'INSECURE_VALUE']) expect(doctor.stderr).toContain(code);
    expectNoLeak('doctor', doctor);
    expectNoLeak('doctor --json', leaky.run(['doctor', '--json']));
    expectNoLeak('doctor --fix --yes', leaky.run(['doctor', '--fix', '--yes']));

    leaky.write('staged.js', `const key = '${PLANT}';\n`);
    expect(git(['add', 'staged.js']).code).toBe(0);
    const staged = leaky.run(['doctor', '--staged']);
    expect(staged.stderr).toContain('LEAKED_VALUE');
    expectNoLeak('doctor --staged', staged);
    expectNoLeak('hook install', leaky.run(['hook', 'install']));
    const blocked = git(['commit', '-qm', 'more']);
    expect(blocked.code).not.toBe(0);
    expectNoLeak('the pre-commit hook', blocked);
    expectNoLeak('hook uninstall', leaky.run(['hook', 'uninstall']));
    // The planted files are this test's input, not devsecrets' output: out of the file scan below.
    for (const file of ['config.js', 'encoded.txt', 'staged.js', '.env']) rmSync(leaky.path(file));
  });

  it('init --force --yes replaces the planted values without printing them', () => {
    const replaced = plantedProject();
    const result = replaced.run(['init', '--force', '--yes']);
    expect(result.code).toBe(0);
    expectNoLeak('init --force --yes', result);
    expect(leaks(replaced.run(['get', 'STRIPE_KEY']).stdout)).toBe(false);
  });

  it('rotate, rotate --identity, audit, sync, import and destroy', () => {
    const rotated = plantedProject();
    for (const args of [['rotate', '--identity'], ['audit'], ['audit', '--json'], ['audit', '--verify'], ['rotate'], ['rotate', 'STRIPE_KEY', 'DATABASE_URL'], ['rotate', 'NOPE']]) {
      expectNoLeak(args.join(' '), rotated.run(args));
    }
    // A log whose head is gone, then a log cut short: verification fails without quoting anything.
    rmSync(rotated.path('.devsecrets', 'audit.head'));
    for (const args of [['audit', '--verify'], ['audit', '--verify', '--json'], ['audit']]) expectNoLeak(`${args.join(' ')} without a head`, rotated.run(args));
    expect(rotated.run(['get', 'LOG_LEVEL']).code).toBe(0);
    writeFileSync(rotated.path('.devsecrets', 'audit.log'), readFileSync(rotated.path('.devsecrets', 'audit.log'), 'utf8').split('\n').slice(0, 2).join('\n'));
    const cut = rotated.run(['audit', '--verify']);
    expect(cut.code).toBe(1);
    expectNoLeak('audit --verify of a cut log', cut);
    const userFile = rotated.run(['rotate', '--identity'], { env: { DEVSECRETS_IDENTITY_FILE: rotated.identityFile() } });
    expect(userFile.code).toBe(2);
    expectNoLeak('rotate --identity with DEVSECRETS_IDENTITY_FILE', userFile);

    const synced = plantedProject();
    synced.writeManifest({ ...STANDARD_MANIFEST, version: 2, vars: { ...STANDARD_MANIFEST.vars, STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 40, secret: true } } });
    expectNoLeak('run before sync', synced.run(['run', '--', ...CHILD_OK]));
    const sync = synced.run(['sync']);
    expect(sync.code).toBe(3);
    expectNoLeak('sync keeping an invalid value a person set', sync);

    const imported = plantedProject();
    imported.write('.env.local', `STRIPE_KEY=${PLANT}
DATABASE_URL="${PLANT_URL}"
`);
    const moved = imported.run(['import', '.env.local', '--delete']);
    expect(moved.code, moved.stderr).toBe(0);
    expectNoLeak('import --delete', moved);
    for (const lines of [[`STRIPE_KEY=${BAD.liveToken}`], [`DATABASE_URL=${BAD.sslDisabledUrl}`], [`LEGACY=${PLANT}`], [`STRIPE_KEY="${PLANT}`]]) {
      const refused = imported.run(['import', envFile(lines), '--delete']);
      expect(refused.code).toBe(3);
      expectNoLeak(`import refusing ${lines[0]!.split('=')[0]}`, refused);
    }
    // --delete of a file whose plaintext would survive: links live beside the inputs, outside the scanned folders.
    const linked = envFile([`STRIPE_KEY=${PLANT}`]);
    symlinkSync(linked, `${linked}.symlink`);
    linkSync(linked, `${linked}.hardlink`);
    for (const path of [`${linked}.symlink`, `${linked}.hardlink`]) {
      const refused = imported.run(['import', path, '--delete']);
      expect(refused.code).toBe(2);
      expectNoLeak('import --delete of a link', refused);
    }

    // A keychain store where no keychain answers: destroy refuses before deleting anything.
    const keychainless = plantedProject();
    const metaPath = keychainless.path('.devsecrets', 'store.json');
    const meta = readFileSync(metaPath, 'utf8');
    writeFileSync(metaPath, JSON.stringify({ ...(JSON.parse(meta) as object), identity: 'keychain' }));
    const unreachable = keychainless.run(['destroy', '--yes']);
    expect(unreachable.code).toBe(4);
    expectNoLeak('destroy --yes without a keychain', unreachable);
    writeFileSync(metaPath, meta);

    const destroyed = plantedProject();
    projects.splice(projects.indexOf(destroyed), 1);
    expectNoLeak('destroy without --yes', destroyed.run(['destroy']));
    expectNoLeak('destroy --yes', destroyed.run(['destroy', '--yes']));
    destroyed.cleanup();
  });

  it('no plaintext file anywhere holds the secret', () => {
    const scanned: string[] = [];
    for (const each of projects) {
      for (const file of [...listFiles(each.dir), ...listFiles(each.home)]) {
        scanned.push(file);
        const bytes = readFileSync(file);
        expect(bytes.includes(CANARY) || bytes.includes(RANDOM), `${file} holds the secret`).toBe(false);
      }
    }
    // The stores themselves were among them: encrypted, they hold no plaintext either.
    expect(scanned.filter((file) => file.endsWith(join('.devsecrets', 'store.age'))).length).toBe(projects.length);
    expect(scanned.some((file) => file.includes(join('devsecrets', 'identities')))).toBe(true);
  });
});

function flipLast(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x80;
  return copy;
}
