/**
 * `devsecrets run --watch`, end to end with real processes: a change to the store, the
 * manifest, the identity file or a `--watch-path` file restarts the child with the new
 * environment, saying why by name; a change that does not validate keeps the child running;
 * a child that ends waits for the next change (or `rs` typed in a terminal); signals stop the
 * child and what it started, once, with a grace period before SIGKILL. Values never show.
 *
 * Nothing here is timed: each step waits for what devsecrets or the child prints (the
 * timeouts are safety nets), and restarts are counted from devsecrets' own lines.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BIN, available, cleanupProjects, createProject, statusOf, waitForDeath, type Project, type RunResult,
} from '../helpers/cli.js';

const hasScript = available('util-linux script', spawnSync('script', ['--version']).status === 0);

const MANIFEST = {
  version: 1,
  vars: {
    SMTP_PORT: { type: 'port' },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn', 'error'], default: 'info' },
    API_TIMEOUT: { type: 'int', min: 1, max: 120, default: 30 },
    API_KEY: { type: 'token', prefix: 'sk_test_', length: 32, secret: true },
  },
};

/** A value planted in the store: it must never appear in anything devsecrets prints. */
const PLANTED = 'sk_test_PLANTEDplantedPLANTEDpla';

/**
 * The child: prints `ready PID` with the non-secret variables (and only the length of the
 * secret one), then idles; SIGTERM ends it as by default. With `grandchild`, it first starts a
 * grandchild that outlives it unless someone kills it (`stubborn`: even with SIGTERM), and
 * names its pid. `counts:SIGNAL` counts that signal: after the first it waits half a second, the
 * time for a duplicate to arrive, then prints `SIGNAL xCOUNT` and exits with status 3.
 * `ignores-term` ignores SIGTERM; `exits` exits with status 1 at once.
 */
const CHILD = `
const { spawn } = require('node:child_process');
const mode = process.argv[2] ?? '';
let extra = '';
if (mode.includes('grandchild')) {
  const code = mode.includes('stubborn') ? "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)" : 'setInterval(() => {}, 1000)';
  extra = ' grandchild ' + spawn(process.execPath, ['-e', code], { stdio: 'ignore' }).pid;
}
if (mode.includes('ignores-term')) process.on('SIGTERM', () => process.stdout.write('ignored SIGTERM\\n'));
const counted = /counts:(\\w+)/.exec(mode)?.[1];
if (counted !== undefined) {
  let count = 0;
  process.on(counted, () => {
    count += 1;
    if (count === 1) setTimeout(() => { process.stdout.write(counted + ' x' + count + '\\n'); process.exit(3); }, 500);
  });
}
const env = process.env;
process.stdout.write('ready ' + process.pid + ' SMTP_PORT=' + env.SMTP_PORT + ' LOG_LEVEL=' + env.LOG_LEVEL + ' API_TIMEOUT=' + env.API_TIMEOUT + ' API_KEY.length=' + (env.API_KEY ?? '').length + extra + '\\n');
if (mode.includes('exits')) process.exit(1);
setInterval(() => {}, 1000);
`;

// A test that fails midway leaves its devsecrets running: stopped here (and its child with it),
// before the project folders go.
const sessions = new Set<Session>();
afterEach(async () => {
  for (const session of sessions) {
    if (session.process.exitCode === null && session.process.signalCode === null) session.process.kill('SIGTERM');
  }
  await Promise.all([...sessions].map((session) => session.exited.catch(() => undefined)));
  sessions.clear();
  cleanupProjects();
});

/** A started devsecrets, its output as it comes, and a way to wait for a line in it. */
interface Session {
  process: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once `test` holds for the output; rejects after `timeoutMs` (a safety net). */
  until(test: (output: { stdout: string; stderr: string }) => boolean, what: string, timeoutMs?: number): Promise<void>;
  exited: Promise<RunResult>;
}

function follow(child: ChildProcessWithoutNullStreams): Session {
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  const exited = new Promise<RunResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => {
      resolve({ code: statusOf(status, signal), stdout, stderr });
      notify();
    });
  });
  const session: Session = {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    until(test, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!test({ stdout, stderr })) {
            if (child.exitCode !== null || child.signalCode !== null) done(new Error(`devsecrets ended before ${what}`));
            return;
          }
          done();
        };
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}\nstdout: ${stdout}\nstderr: ${stderr}`)), timeoutMs);
        const done = (error?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        listeners.add(check);
        check();
      });
    },
  };
  sessions.add(session);
  return session;
}

/** The `ready …` lines the children printed, in order. */
function readyLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('ready '));
}

/** The pid a `ready PID …` line names. */
function pidOf(line: string): number {
  return Number(line.split(' ')[1]);
}

function restartLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^devsecrets: restarting \(\d+\)/.test(line));
}

function setupProject(): Project {
  const project = createProject({ manifest: MANIFEST, files: { 'child.js': CHILD } });
  expect(project.run(['init']).code).toBe(0);
  expect(project.run(['set', 'API_KEY', PLANTED]).code).toBe(0);
  expect(project.run(['set', 'SMTP_PORT', '2525']).code).toBe(0);
  return project;
}

/** Starts `devsecrets run --watch FLAGS -- node child.js MODE` and waits for the first child. */
async function startWatching(project: Project, flags: string[] = [], mode = ''): Promise<Session> {
  const session = follow(project.start(['run', '--watch', ...flags, '--', 'node', 'child.js', mode]));
  await session.until(({ stdout }) => readyLines(stdout).length === 1, 'the first child');
  return session;
}

/** Ends a session with SIGTERM and checks that nothing devsecrets or the children printed holds the planted value. */
async function stop(session: Session): Promise<RunResult> {
  session.process.kill('SIGTERM');
  const result = await session.exited;
  expect(result.stdout).not.toContain(PLANTED);
  expect(result.stderr).not.toContain(PLANTED);
  return result;
}

describe('devsecrets run --watch', () => {
  it('with --redact, redacts every child\'s output, the restarted one\'s with its new secret', async () => {
    const project = setupProject();
    writeFileSync(project.path('leaky.js'), "process.stdout.write('key=' + process.env.API_KEY + '\\n'); setInterval(() => {}, 1000);\n");
    const session = follow(project.start(['run', '--watch', '--redact', '--', 'node', 'leaky.js']));
    await session.until(({ stdout }) => stdout.includes('key='), 'the first child');

    const second = 'sk_test_SECONDsecondSECONDsecond';
    expect(project.run(['set', 'API_KEY', second]).code).toBe(0);
    await session.until(({ stdout }) => stdout.split('key=').length === 3, 'the restarted child');

    expect(session.stdout()).toBe('key=[REDACTED:API_KEY]\nkey=[REDACTED:API_KEY]\n');
    const result = await stop(session);
    expect(result.stdout).not.toContain(second);
  });

  it('restarts the child with the new value when a set changes it, naming the variable and never a value', async () => {
    const project = setupProject();
    const session = await startWatching(project);
    expect(readyLines(session.stdout())[0]).toContain('SMTP_PORT=2525 LOG_LEVEL=info');
    expect(session.stderr()).toBe('devsecrets: watching devsecrets.json, the store, the identity file; node restarts when they change\n');

    expect(project.run(['set', 'SMTP_PORT', '4000']).code).toBe(0);
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restarted child');

    const [first, second] = readyLines(session.stdout());
    expect(second).toContain('SMTP_PORT=4000 LOG_LEVEL=info API_TIMEOUT=30 API_KEY.length=32');
    await waitForDeath(pidOf(first!));
    expect(restartLines(session.stderr())).toEqual(['devsecrets: restarting (1): SMTP_PORT changed']);
    expect(session.stderr()).not.toContain('4000');

    expect(project.run(['set', 'API_KEY', 'sk_test_SECONDsecondSECONDsecond']).code).toBe(0);
    await session.until(({ stdout }) => readyLines(stdout).length === 3, 'the second restart');
    expect(restartLines(session.stderr())[1]).toBe('devsecrets: restarting (2): API_KEY changed');
    expect(session.stderr()).not.toContain('SECONDsecond');
    await stop(session);

    // One audit entry per start, each naming the command and never a value.
    const runs = readFileSync(project.path('.devsecrets', 'audit.log'), 'utf8').trim().split('\n')
      .map((line) => JSON.parse(line) as { action: string; command?: string; pid: number })
      .filter((entry) => entry.action === 'run');
    expect(runs).toHaveLength(3);
    expect(runs.every((entry) => entry.command === 'node' && entry.pid === session.process.pid)).toBe(true);
    expect(readFileSync(project.path('.devsecrets', 'audit.log'), 'utf8')).not.toContain(PLANTED);
  });

  it('takes a burst of sets as few restarts, and the last child has every value', async () => {
    const project = setupProject();
    const session = await startWatching(project);
    const sets = [['SMTP_PORT', '4001'], ['LOG_LEVEL', 'debug'], ['API_TIMEOUT', '60']];

    const results = await Promise.all(sets.map(([name, value]) => follow(project.start(['set', name!, value!])).exited));
    expect(results.map((result) => result.code)).toEqual([0, 0, 0]);
    await session.until(({ stdout }) => readyLines(stdout).at(-1)!.includes('SMTP_PORT=4001 LOG_LEVEL=debug API_TIMEOUT=60'), 'a child with all three values');

    const restarts = restartLines(session.stderr());
    // Three writes of the store in a burst: each restart is one reload of whatever was written by then.
    expect(restarts.length).toBeGreaterThanOrEqual(1);
    expect(restarts.length).toBeLessThanOrEqual(sets.length);
    expect(readyLines(session.stdout())).toHaveLength(restarts.length + 1);
    const named = restarts.join(' ');
    for (const [name] of sets) expect(named).toContain(name);
    await stop(session);
  });

  it('takes many writes at once as one restart', async () => {
    const project = setupProject();
    for (let index = 0; index < 20; index += 1) project.write(`src/file${index}.js`, '// 0\n');
    const session = await startWatching(project, ['--watch-path', 'src/**']);

    for (let index = 0; index < 20; index += 1) writeFileSync(project.path('src', `file${index}.js`), '// 1\n');
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restart');
    // Something that comes after the burst: had the burst made a second restart, it would come first.
    expect(project.run(['set', 'SMTP_PORT', '4002']).code).toBe(0);
    await session.until(({ stdout }) => readyLines(stdout).length === 3, 'the restart after the burst');

    expect(restartLines(session.stderr())).toEqual([
      'devsecrets: restarting (1): src/file0.js, src/file1.js, src/file10.js and 17 more files changed',
      'devsecrets: restarting (2): SMTP_PORT changed',
    ]);
    await stop(session);
  });

  it('keeps the child running through a change that does not validate, prints its findings, and restarts on the next valid one', async () => {
    const project = setupProject();
    const session = await startWatching(project);
    const first = pidOf(readyLines(session.stdout())[0]!);

    // The stored key no longer fits: a finding about API_KEY, which must not show its value.
    project.writeManifest({ ...MANIFEST, vars: { ...MANIFEST.vars, API_KEY: { ...MANIFEST.vars.API_KEY, length: 40 } } });
    await session.until(({ stderr }) => stderr.includes('waiting for a valid change'), 'the refusal');
    expect(session.stderr()).toContain('[VALIDATION_FAILED]');
    expect(session.stderr()).toMatch(/devsecrets: {3}API_KEY: /);
    expect(session.stderr()).toContain('devsecrets: node keeps running with its current environment; waiting for a valid change');

    // An invalid manifest: a type that does not exist.
    project.writeManifest({ ...MANIFEST, vars: { ...MANIFEST.vars, SMTP_PORT: { type: 'portt' } } });
    await session.until(({ stderr }) => stderr.includes('[MANIFEST_INVALID]'), 'the manifest finding');
    await session.until(({ stderr }) => stderr.split('waiting for a valid change').length === 3, 'the second refusal');
    expect(session.stderr()).toMatch(/devsecrets: {3}SMTP_PORT: /);

    // The fix, with a new variable: valid again, and the child restarts with it.
    project.writeManifest({ ...MANIFEST, vars: { ...MANIFEST.vars, FEATURE_FLAG: { type: 'bool', default: true } } });
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restart after the fix');
    expect(restartLines(session.stderr())).toEqual(['devsecrets: restarting (1): FEATURE_FLAG added']);
    // The first child lived until the valid change.
    await waitForDeath(first);
    await stop(session);
  });

  it('keeps the child running while the manifest cannot be read at all', async () => {
    const project = setupProject();
    const session = await startWatching(project);
    const manifest = project.read('devsecrets.json');

    rmSync(project.path('devsecrets.json'));
    mkdirSync(project.path('devsecrets.json'));
    await session.until(({ stderr }) => stderr.includes('waiting for a valid change'), 'the refusal');
    // Node names no path for a read that fails on a folder.
    expect(session.stderr()).toContain('devsecrets: error: could not read a file the environment is built from (EISDIR)');
    rmdirSync(project.path('devsecrets.json'));
    writeFileSync(project.path('devsecrets.json'), manifest);
    await session.until(({ stderr }) => stderr.includes('valid again, and the environment is unchanged: no restart'), 'the manifest back');

    expect(readyLines(session.stdout())).toHaveLength(1);
    await stop(session);
  });

  it('keeps the child running while the store or the identity no longer opens it', async () => {
    const project = setupProject();
    const session = await startWatching(project);
    const store = project.path('.devsecrets', 'store.age');
    const storeBytes = readFileSync(store);
    const identity = project.identityFile();
    const identityText = readFileSync(identity, 'utf8');

    writeFileSync(store, 'not an age file\n', { mode: 0o600 });
    await session.until(({ stderr }) => /\[STORE_\w+\]/.test(stderr), 'the store refusal');
    writeFileSync(store, storeBytes, { mode: 0o600 });
    await session.until(({ stderr }) => stderr.includes('the environment is unchanged: no restart'), 'the store back');

    writeFileSync(identity, identityText.replace(/AGE-SECRET-KEY-1\w+/, 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ'), { mode: 0o600 });
    await session.until(({ stderr }) => stderr.split('waiting for a valid change').length === 3, 'the identity refusal');
    writeFileSync(identity, identityText, { mode: 0o600 });
    await session.until(({ stderr }) => stderr.split('the environment is unchanged: no restart').length === 3, 'the identity back');
    expect(session.stderr()).toContain(`devsecrets: ${project.identityFile()} changed; valid again, and the environment is unchanged: no restart`);

    expect(readyLines(session.stdout())).toHaveLength(1);
    expect(restartLines(session.stderr())).toEqual([]);
    await stop(session);
  });

  it('restarts when a --watch-path file changes, naming the file, and not for other files', async () => {
    const project = setupProject();
    project.write('src/app.js', '// 1\n');
    project.write('docs/readme.md', 'v1\n');
    const session = await startWatching(project, ['--watch-path', 'src/**/*.js']);
    expect(session.stderr()).toContain('watching devsecrets.json, the store, the identity file, src/**/*.js;');

    project.write('docs/readme.md', 'v2\n');
    project.write('src/app.txt', 'not js\n');
    project.write('src/app.js', '// 2\n');
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restart');

    expect(restartLines(session.stderr())).toEqual(['devsecrets: restarting (1): src/app.js changed']);
    await stop(session);
  });

  it('never restarts for its own audit log, even when a glob covers the whole project', async () => {
    const project = setupProject();
    const session = await startWatching(project, ['--watch-path', '**']);

    project.write('trigger.txt', '1\n');
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restart');
    // The restart wrote an audit entry; a reaction to it would come before this one.
    project.write('trigger.txt', '2\n');
    await session.until(({ stdout }) => readyLines(stdout).length === 3, 'the second restart');

    expect(restartLines(session.stderr())).toEqual([
      'devsecrets: restarting (1): trigger.txt changed',
      'devsecrets: restarting (2): trigger.txt changed',
    ]);
    await stop(session);
  });

  it('waits for a change when the child exits on its own, then starts it again', async () => {
    const project = setupProject();
    const session = await startWatching(project, [], 'exits');
    await session.until(({ stderr }) => stderr.includes('waiting for a change'), 'the wait');
    // stdin is a pipe here, not a terminal: it is the child's, and devsecrets offers no rs.
    expect(session.stderr()).toContain('devsecrets: node exited with 1; waiting for a change\n');

    expect(project.run(['set', 'SMTP_PORT', '4003']).code).toBe(0);
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the new child');

    expect(readyLines(session.stdout())[1]).toContain('SMTP_PORT=4003');
    expect(restartLines(session.stderr())).toEqual(['devsecrets: restarting (1): SMTP_PORT changed']);
    await session.until(({ stderr }) => stderr.split('waiting for a change').length === 3, 'the second wait');
    // Stopped while waiting, devsecrets reports the signal that stopped it.
    const result = await stop(session);
    expect(result.code).toBe(143);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s to devsecrets alone reaches the child once and its grandchild too; devsecrets exits with the child\'s status', async (signal) => {
    const project = setupProject();
    const session = await startWatching(project, [], `counts:${signal} grandchild`);
    const grandchild = Number(/grandchild (\d+)/.exec(session.stdout())![1]);

    session.process.kill(signal);
    const result = await session.exited;

    expect(result.stdout).toMatch(new RegExp(`\n${signal} x1\n$`));
    expect(result.code).toBe(3);
    // devsecrets ended only once the grandchild was gone.
    await waitForDeath(grandchild, 1000);
  });

  it('gives a stopped child and grandchild the grace period, then SIGKILL: nothing is left behind', async () => {
    const project = setupProject();
    const session = await startWatching(project, ['--grace', '1s'], 'ignores-term grandchild stubborn');
    const [line] = readyLines(session.stdout());
    const grandchild = Number(/grandchild (\d+)/.exec(line!)![1]);

    expect(project.run(['set', 'SMTP_PORT', '4004']).code).toBe(0);
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restarted child');

    // The new child starts only once the old one and its grandchild are gone.
    expect(session.stdout()).toContain('ignored SIGTERM');
    await waitForDeath(pidOf(line!), 1000);
    await waitForDeath(grandchild, 1000);
    expect(readyLines(session.stdout())[1]).toContain('SMTP_PORT=4004');

    const second = readyLines(session.stdout())[1]!;
    const result = await stop(session);
    expect(result.code).toBe(137);
    await waitForDeath(pidOf(second), 1000);
    await waitForDeath(Number(/grandchild (\d+)/.exec(second)![1]), 1000);
  });

  it('--ephemeral watches the manifest only, and keeps the fakes that did not change', async () => {
    const project = createProject({ manifest: MANIFEST, files: { 'child.js': CHILD } });
    const session = follow(project.start(['run', '--watch', '--ephemeral', '--', 'node', 'child.js']));
    await session.until(({ stdout }) => readyLines(stdout).length === 1, 'the first child');
    expect(session.stderr()).toContain('devsecrets: watching devsecrets.json; node restarts');

    project.writeManifest({ ...MANIFEST, vars: { ...MANIFEST.vars, API_TIMEOUT: { ...MANIFEST.vars.API_TIMEOUT, default: 90 } } });
    await session.until(({ stdout }) => readyLines(stdout).length === 2, 'the restart');

    expect(restartLines(session.stderr())).toEqual(['devsecrets: restarting (1): API_TIMEOUT changed']);
    const [first, second] = readyLines(session.stdout()).map((line) => line.replace(/^ready \d+ /, ''));
    expect(second).toBe(first!.replace('API_TIMEOUT=30', 'API_TIMEOUT=90'));
    await stop(session);
  });

  it('refuses a first environment as run does, and watches nothing then', () => {
    const project = setupProject();
    project.writeManifest({ ...MANIFEST, vars: { ...MANIFEST.vars, API_KEY: { ...MANIFEST.vars.API_KEY, length: 40 } } });

    const result = project.run(['run', '--watch', '--', 'node', 'child.js']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('[VALIDATION_FAILED]');
    expect(result.stderr).not.toContain(PLANTED);
    expect(result.stdout).toBe('');
  });

  it('exits 127 when the command is not found', () => {
    const project = setupProject();

    const result = project.run(['run', '--watch', '--', 'no-such-command-here']);

    expect(result.code).toBe(127);
    expect(result.stderr).toContain('devsecrets: error: command not found: no-such-command-here');
  });

  it.each([
    [['--watch-path', 'src/**'], '--watch-path and --grace work only with --watch'],
    [['--grace', '3s'], '--watch-path and --grace work only with --watch'],
    [['--watch', '--grace', 'soon'], '--grace must be a duration like 30s, 5m, 2h or 30d (or 500ms)'],
  ])('%j is a usage error (exit 2)', (flags, message) => {
    const project = setupProject();

    const result = project.run(['run', ...flags, '--', 'node', 'child.js']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`devsecrets: error: ${message}`);
    expect(result.stdout).toBe('');
  });

  describe.skipIf(!hasScript)('in a terminal', () => {
    /** Starts devsecrets in the foreground of a new pseudo-terminal; what goes to its stdin is typed. */
    function startOnTerminal(project: Project, args: string[]): Session {
      const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
      return follow(spawn('script', ['-qec', `exec ${command}`, '/dev/null'], { cwd: project.dir, env: project.env, stdio: 'pipe' }));
    }

    it('rs + Enter starts a child that exited; Ctrl-C then ends devsecrets', async () => {
      const project = setupProject();
      const session = startOnTerminal(project, ['run', '--watch', '--', 'node', 'child.js', 'exits']);
      await session.until(({ stdout }) => stdout.includes('waiting for a change (or type rs + Enter)'), 'the offer of rs');

      session.process.stdin.write('rs\r');
      await session.until(({ stdout }) => readyLines(stdout.replaceAll('\r', '')).length === 2, 'the child started by hand');
      expect(session.stdout()).toContain('devsecrets: restarting (1): rs typed');
      await session.until(({ stdout }) => stdout.split('waiting for a change').length === 3, 'the second wait');

      session.process.stdin.write('\u0003');
      const result = await session.exited;
      expect(result.code).toBe(130);
    });

    it('Ctrl-C reaches the child once (the terminal sent it), and devsecrets exits with its status', async () => {
      const project = setupProject();
      project.write('count-int.js', `
        let count = 0;
        process.on('SIGINT', () => {
          count += 1;
          if (count === 1) setTimeout(() => { process.stdout.write('SIGINT x' + count + '\\n'); process.exit(3); }, 500);
        });
        process.stdout.write('ready ' + process.pid + '\\n');
        setInterval(() => {}, 1000);
      `);
      const session = startOnTerminal(project, ['run', '--watch', '--', 'node', 'count-int.js']);
      await session.until(({ stdout }) => stdout.includes('ready'), 'the child');

      session.process.stdin.write('\u0003');
      const result = await session.exited;

      expect(result.stdout).toContain('SIGINT x1\r\n');
      expect(result.code).toBe(3);
    });
  });
});
