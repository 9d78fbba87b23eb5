// The devsecrets benchmark: start-up cost of `devsecrets run` against the Node spawn floor,
// varlock and dotenvx, and its peak memory. It prints numbers and never fails on them: goals are shown, not
// asserted. Run with `npm run bench` (which builds first), or `node test/bench/bench.js`
// after a build. Takes about a minute on the 2-core reference machine.
//
// Scenarios are a list: to benchmark another command, add an entry to SCENARIOS (and, if it
// has a goal, to RATIOS). `doctor` on a 20,000-file repository, `run --redact` against a
// plain `run` of a child printing 50 MB, and `run --watch`'s restart after a `set` are timed
// on their own, fewer times: each run takes about half a second.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'devsecrets.js');
const NODE = process.execPath;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const RSS_RUNS = 5;
const TIME = '/usr/bin/time';
const DOCTOR_RUNS = 10;
const DOCTOR_FILES = 20_000;
const DOCTOR_GOAL_MS = 1500;
const VARLOCK_VERSION = '1.20.0';
const WATCH_RUNS = 10;
const WATCH_GOAL_MS = 300;
const REDACT_RUNS = 10;
const REDACT_MB = 50;
const REDACT_GOAL = 1.5;

// ---------------------------------------------------------------------------------------
// Projects

/** 20 variables of the common types, no private key. */
function manifest20() {
  const vars = {
    DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true },
    REPLICA_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true },
    REDIS_URL: { type: 'url', protocols: ['redis', 'rediss'], secret: true },
    API_BASE_URL: { type: 'url', protocols: ['https'] },
    STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 32, secret: true },
    STRIPE_WEBHOOK_SECRET: { type: 'token', prefix: 'whsec_', length: 38, secret: true },
    GITHUB_TOKEN: { type: 'token', length: 40, charset: 'hex', secret: true },
    SENTRY_TOKEN: { type: 'token', length: 32, charset: 'base64url', secret: true },
    MAILER_TOKEN: { type: 'token', prefix: 'mt_', length: 24, secret: true },
    SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
    CSRF_KEY: { type: 'bytes', encoding: 'hex', length: 32, secret: true },
    COOKIE_KEY: { type: 'bytes', encoding: 'base64url', length: 64, secret: true },
    API_TIMEOUT: { type: 'int', min: 1, max: 120, default: 30 },
    WORKERS: { type: 'int', min: 1, max: 64 },
    MAX_UPLOAD_MB: { type: 'int', min: 1, max: 1024, default: 25 },
    FEATURE_CHECKOUT: { type: 'bool', default: false },
    DEBUG_SQL: { type: 'bool' },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn', 'error'], default: 'info' },
    REGION: { type: 'enum', values: ['eu-west-1', 'us-east-1', 'ap-south-1'] },
    NODE_ENV: { type: 'enum', values: ['development', 'test', 'production'], default: 'development' },
  };
  return { version: 1, ttl: '30d', forbid: ['*.prod.example.com', '/sk_live_[A-Za-z0-9]+/'], vars };
}

/** 1,000 variables: the 20 above, fifty times over with numbered names. */
function manifest1000() {
  const base = manifest20();
  const vars = {};
  for (let copy = 0; copy < 50; copy++) {
    for (const [name, spec] of Object.entries(base.vars)) vars[`${name}_${String(copy).padStart(2, '0')}`] = spec;
  }
  return { ...base, vars };
}

function makeProject(root, name, manifest, env) {
  const dir = join(root, name);
  spawnSync('mkdir', ['-p', dir]);
  spawnSync('git', ['init', '-q'], { cwd: dir, env });
  writeFileSync(join(dir, 'devsecrets.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const init = spawnSync(NODE, [BIN, 'init'], { cwd: dir, env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`devsecrets init failed in ${name}:\n${init.stderr}`);
  return dir;
}

/** A git repository of `count` committed source files with an initialised store: doctor's worst ordinary case. */
function makeLargeRepo(root, env, count) {
  const dir = join(root, 'large-repo');
  for (let i = 0; i < count; i += 1) {
    const folder = join(dir, 'src', `m${i % 200}`, `d${i % 7}`);
    if (i < 1400) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file${i}.ts`), `// module ${i}\nexport const value${i} = ${i};\n`.repeat(20));
  }
  makeProject(root, 'large-repo', manifest20(), env);
  spawnSync('git', ['add', '-A'], { cwd: dir, env });
  spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.test', 'commit', '-qm', 'files'], { cwd: dir, env });
  return dir;
}

/**
 * A chatty dev server for `run --redact`: `megabytes` MB of request log lines on stdout, one
 * line in a thousand carrying a secret, as fast as Node writes them.
 */
function writeChattyChild(dir, megabytes) {
  const path = join(dir, 'chatty.js');
  writeFileSync(path, `
const total = ${megabytes} * 1024 * 1024;
const secret = process.env.STRIPE_KEY;
let written = 0;
let index = 0;
const line = (i) => \`2025-01-01T12:00:\${String(i % 60).padStart(2, '0')}.\${String(i % 1000).padStart(3, '0')}Z INFO GET /api/v1/items/\${i}?page=\${i % 50} 200 \${i % 997}ms id=\${(i * 2654435761 >>> 0).toString(16)} user=alice@example.test\${i % 1000 === 999 ? ' key=' + secret : ''}\\n\`;
function more() {
  while (written < total) {
    let chunk = '';
    for (let k = 0; k < 500; k += 1) chunk += line(index++);
    written += chunk.length;
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', more);
  }
}
more();
`);
  return path;
}

/** The store's values as a dotenv file, for dotenvx to load the very same environment. */
function writeDotenv(dir, names, env) {
  const dump = spawnSync(NODE, [BIN, 'run', '--', NODE, '-e', `process.stdout.write(JSON.stringify(${JSON.stringify(names)}.map((n) => [n, process.env[n]])))`], { cwd: dir, env, encoding: 'utf8' });
  if (dump.status !== 0) throw new Error(`devsecrets run failed:\n${dump.stderr}`);
  const lines = JSON.parse(dump.stdout).map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  const path = join(dir, '.env.bench');
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return path;
}

/**
 * A folder where `varlock run` loads the same values: a `.env.schema` declaring each variable
 * with varlock's nearest type (and `@sensitive` for secrets), and the values in `.env`.
 */
function writeVarlockProject(root, manifest, dotenvFile) {
  const dir = join(root, 'varlock-20');
  mkdirSync(dir);
  const typeOf = (spec) => ({ url: 'url', port: 'port', int: 'number', bool: 'boolean', enum: `enum(${spec.values?.join(', ')})` })[spec.type] ?? 'string';
  const schema = ['# @defaultRequired=true @defaultSensitive=false', '# ---'];
  for (const [name, spec] of Object.entries(manifest.vars)) schema.push(`# @type=${typeOf(spec)}${spec.secret ? ' @sensitive' : ''}`, `${name}=`);
  writeFileSync(join(dir, '.env.schema'), `${schema.join('\n')}\n`);
  writeFileSync(join(dir, '.env'), readFileSync(dotenvFile), { mode: 0o600 });
  return dir;
}

/**
 * varlock, installed for the bench alone into node_modules/.cache: it cannot be a dev
 * dependency, because this registry lacks two of its optional native helpers
 * (@varlock/native-helper-darwin and -linux-arm64), and a lockfile without them fails
 * `npm ci` everywhere.
 */
function installVarlock() {
  const prefix = join(ROOT, 'node_modules', '.cache', 'devsecrets-bench');
  if (!existsSync(join(prefix, 'node_modules', 'varlock', 'package.json'))) {
    const install = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix, `varlock@${VARLOCK_VERSION}`], { encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`bench: could not install varlock@${VARLOCK_VERSION}:\n${install.stderr}`);
  }
  return packageCli('varlock', 'varlock', prefix);
}

function packageCli(name, binName, prefix = ROOT) {
  const packageDir = join(prefix, 'node_modules', ...name.split('/'));
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin[binName];
  return { path: join(packageDir, bin), version: pkg.version };
}


// ---------------------------------------------------------------------------------------
// Measuring

function wallMs(scenario) {
  const start = process.hrtime.bigint();
  const result = spawnSync(scenario.argv[0], scenario.argv.slice(1), { cwd: scenario.cwd, env: scenario.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // doctor exits 1 when it has findings; that is a result, not a failure of the benchmark.
  if (!(scenario.ok ?? [0]).includes(result.status)) throw new Error(`${scenario.name} exited ${result.status ?? result.signal}:\n${result.stderr}`);
  return ms;
}

/** Peak RSS in KiB of the scenario's process (and its `true` child, which is far smaller). */
function peakRssKiB(scenario, scratch) {
  const out = join(scratch, 'time.out');
  const result = spawnSync(TIME, ['-f', '%M', '-o', out, ...scenario.argv], { cwd: scenario.cwd, env: scenario.env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${scenario.name} under time exited ${result.status}`);
  return Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
}

function quantile(samples, q) {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

const median = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * `run --watch`: from a `devsecrets set` returning to the first line of the child started
 * with the new value, minus the child's own start-up (the same program spawned directly, to
 * its first line). Medians of WATCH_RUNS, after one warm-up each. The child prints the
 * variable the set changes, so its first line says which environment it got.
 */
async function watchRestartMs(dir, env) {
  const child = [NODE, '-e', "process.stdout.write(process.env.WORKERS + '\\n'); setInterval(() => {}, 1e9)"];
  const startups = [];
  for (let round = 0; round <= WATCH_RUNS; round += 1) {
    const started = process.hrtime.bigint();
    const direct = spawn(child[0], child.slice(1), { cwd: dir, env: { ...env, WORKERS: String(round) }, stdio: ['ignore', 'pipe', 'ignore'] });
    await firstLine(direct.stdout, String(round));
    if (round > 0) startups.push(Number(process.hrtime.bigint() - started) / 1e6);
    direct.kill();
  }
  const watching = spawn(NODE, [BIN, 'run', '--watch', '--', ...child], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  watching.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const restarts = [];
  try {
    await firstLine(watching.stdout, undefined);
    for (let round = 0; round <= WATCH_RUNS; round += 1) {
      // Values the store never held before in this run, so each line names its own restart.
      const value = String(40 + round);
      const line = firstLine(watching.stdout, value);
      const set = spawnSync(NODE, [BIN, 'set', 'WORKERS', value], { cwd: dir, env, encoding: 'utf8' });
      const returned = process.hrtime.bigint();
      if (set.status !== 0) throw new Error(`devsecrets set failed:\n${set.stderr}`);
      await line;
      if (round > 0) restarts.push(Number(process.hrtime.bigint() - returned) / 1e6);
    }
  } catch (error) {
    throw new Error(`${error.message}\nrun --watch said:\n${stderr}`);
  } finally {
    watching.kill('SIGTERM');
  }
  return { restart: median(restarts), startup: median(startups), p90: quantile(restarts, 0.9) };
}

/** Resolves with the first line `stream` prints that is `expected` (any line when undefined); rejects after 30 s. */
function firstLine(stream, expected) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => done(new Error(`no line ${expected ?? ''} within 30 s`)), 30_000);
    const onData = (chunk) => {
      text += chunk;
      const lines = text.split('\n');
      text = lines.pop();
      const line = lines.find((each) => expected === undefined || each === expected);
      if (line !== undefined) done();
    };
    const done = (error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      if (error === undefined) resolve();
      else reject(error);
    };
    stream.setEncoding('utf8').on('data', onData);
  });
}

// ---------------------------------------------------------------------------------------
// Main

if (!existsSync(join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('bench: dist/cli.cjs is missing; run npm run build first (npm run bench does)');
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'devsecrets-bench-'));
const home = join(scratch, 'home');
spawnSync('mkdir', ['-p', home]);
// BENCH_PASS_ENV=NAME,… adds those variables from the caller's environment, to measure under
// conditions that slow every Node start alike (NODE_EXTRA_CA_CERTS: the floor's too).
const passedEnv = Object.fromEntries((process.env.BENCH_PASS_ENV ?? '').split(',').filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
// A login shell's basics, as `npm start` from a terminal has them.
const env = {
  PATH: `${dirname(NODE)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: home,
  USER: userInfo().username,
  LANG: 'C.UTF-8',
  DEVSECRETS_HOME: join(home, 'devsecrets'),
  DEVSECRETS_KEYCHAIN: 'off',
  ...passedEnv,
};
// varlock reports usage to PostHog unless told not to.
const varlockEnv = { ...env, PH_OPT_OUT: 'true' };

try {
  const started = Date.now();
  const small = manifest20();
  const dir20 = makeProject(scratch, 'vars-20', small, env);
  const dir1000 = makeProject(scratch, 'vars-1000', manifest1000(), env);
  const dotenvFile = writeDotenv(dir20, Object.keys(small.vars), env);
  const dotenvx = packageCli('@dotenvx/dotenvx', 'dotenvx');
  const varlock = installVarlock();
  const varlockDir = writeVarlockProject(scratch, small, dotenvFile);
  const largeRepo = makeLargeRepo(scratch, env, DOCTOR_FILES);
  const setupMs = Date.now() - started;

  /** What is measured; `rss` marks the scenarios whose peak memory is measured too. */
  const SCENARIOS = [
    { name: 'bare', label: "node -e \"require('child_process').spawnSync('true')\"", argv: [NODE, '-e', "require('child_process').spawnSync('true')"], cwd: dir20, env, rss: true },
    { name: 'run20', label: 'devsecrets run -- true   (20 vars)', argv: [NODE, BIN, 'run', '--', 'true'], cwd: dir20, env, rss: true },
    { name: 'run1000', label: 'devsecrets run -- true   (1,000 vars)', argv: [NODE, BIN, 'run', '--', 'true'], cwd: dir1000, env, rss: true },
    { name: 'varlock', label: `varlock ${varlock.version} run -- true   (20 vars)`, argv: [NODE, varlock.path, 'run', '--', 'true'], cwd: varlockDir, env: varlockEnv, rss: true },
    { name: 'dotenvx', label: `dotenvx ${dotenvx.version} -q run -f .env -- true   (20 vars)`, argv: [NODE, dotenvx.path, '-q', 'run', '-f', dotenvFile, '--', 'true'], cwd: dir20, env, rss: true },
  ];

  /** [label, numerator, denominator, what to compare, goal (ratio must be <=)] */
  const RATIOS = [
    ['run20 / bare', 'run20', 'bare', 'median', 1.25],
    ['run20 / varlock', 'run20', 'varlock', 'median', 0.45],
    ['run20 / dotenvx', 'run20', 'dotenvx', 'median', 0.5],
    ['run1000 / run20', 'run1000', 'run20', 'median', 2],
    ['peak RSS run20 / bare', 'run20', 'bare', 'rss', 1.2],
    ['peak RSS run1000 / bare', 'run1000', 'bare', 'rss', undefined],
  ];

  const samples = Object.fromEntries(SCENARIOS.map((scenario) => [scenario.name, []]));
  // Interleaved, so that drift of the machine's load hits every scenario alike.
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const scenario of SCENARIOS) {
      const ms = wallMs(scenario);
      if (round >= WARMUP) samples[scenario.name].push(ms);
    }
  }

  const hasTime = spawnSync(TIME, ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
  const rss = {};
  if (hasTime) {
    for (const scenario of SCENARIOS.filter((each) => each.rss)) {
      const kib = Array.from({ length: RSS_RUNS }, () => peakRssKiB(scenario, scratch));
      rss[scenario.name] = median(kib);
    }
  }

  const stats = Object.fromEntries(SCENARIOS.map((scenario) => [scenario.name, { median: median(samples[scenario.name]), p90: quantile(samples[scenario.name], 0.9), rss: rss[scenario.name] }]));

  const width = Math.max(...SCENARIOS.map((scenario) => scenario.label.length));
  const number = (value, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));
  console.log(`devsecrets benchmark — node ${process.version}, ${RUNS} runs each after ${WARMUP} warm-ups, interleaved (setup ${(setupMs / 1000).toFixed(1)} s)`);
  if (Object.keys(passedEnv).length > 0) console.log(`with ${Object.keys(passedEnv).join(', ')} from BENCH_PASS_ENV in every command's environment`);
  console.log('');
  console.log(`${'scenario'.padEnd(width)}  ${'median ms'.padStart(9)}  ${'p90 ms'.padStart(7)}  ${'peak RSS MiB'.padStart(12)}`);
  for (const scenario of SCENARIOS) {
    const stat = stats[scenario.name];
    console.log(`${scenario.label.padEnd(width)}  ${number(stat.median).padStart(9)}  ${number(stat.p90).padStart(7)}  ${number(stat.rss === undefined ? undefined : stat.rss / 1024).padStart(12)}`);
  }
  if (!hasTime) console.log(`\npeak RSS: skipped, ${TIME} is missing (Debian package \`time\`)`);
  console.log('');
  console.log(`${'ratio'.padEnd(26)}  ${'value'.padStart(6)}  goal`);
  for (const [label, numerator, denominator, measure, goal] of RATIOS) {
    const a = stats[numerator][measure];
    const b = stats[denominator][measure];
    if (a === undefined || b === undefined) {
      console.log(`${label.padEnd(26)}  ${'-'.padStart(6)}  ${goal === undefined ? '' : `<= ${goal}`}  (not measured)`);
      continue;
    }
    const ratio = a / b;
    const verdict = goal === undefined ? '' : ratio <= goal ? `<= ${goal}  met` : `<= ${goal}  MISSED`;
    console.log(`${label.padEnd(26)}  ${ratio.toFixed(2).padStart(6)}  ${verdict}`);
  }
  // The goal is on a program that makes its output (a dev server); `cat` of a file already
  // made is the worst case, where nothing but the copying is left to compare with.
  const chatty = writeChattyChild(dir20, REDACT_MB);
  const catFile = join(dir20, 'chatty.log');
  writeFileSync(catFile, spawnSync(NODE, [BIN, 'run', '--', NODE, chatty], { cwd: dir20, env, maxBuffer: 2 * REDACT_MB * 1024 * 1024 }).stdout);
  const pairs = [
    { label: 'node chatty.js', command: [NODE, chatty], goal: REDACT_GOAL },
    { label: `cat (the same ${REDACT_MB} MB, from a file)`, command: ['cat', catFile] },
  ];
  console.log('');
  console.log(`a child printing ${REDACT_MB} MB to /dev/null, median of ${REDACT_RUNS} runs, interleaved:`);
  for (const { label, command, goal } of pairs) {
    const plain = { name: `run ${label}`, argv: [NODE, BIN, 'run', '--', ...command], cwd: dir20, env };
    const redact = { name: `run --redact ${label}`, argv: [NODE, BIN, 'run', '--redact', '--', ...command], cwd: dir20, env };
    const ms = { plain: [], redact: [] };
    for (let round = 0; round < 1 + REDACT_RUNS; round++) {
      const plainMs = wallMs(plain);
      const redactMs = wallMs(redact);
      if (round > 0) {
        ms.plain.push(plainMs);
        ms.redact.push(redactMs);
      }
    }
    const ratio = median(ms.redact) / median(ms.plain);
    const verdict = goal === undefined ? '(no goal)' : `goal <= ${goal}  ${ratio <= goal ? 'met' : 'MISSED'}`;
    console.log(`  ${label.padEnd(34)} run ${median(ms.plain).toFixed(0).padStart(5)} ms, run --redact ${median(ms.redact).toFixed(0).padStart(5)} ms (p90 ${quantile(ms.redact, 0.9).toFixed(0)}): ratio ${ratio.toFixed(2)}  ${verdict}`);
  }

  const doctor = { name: 'doctor', argv: [NODE, BIN, 'doctor'], cwd: largeRepo, env };
  const doctorMs = Array.from({ length: 1 + DOCTOR_RUNS }, () => wallMs({ ...doctor, ok: [0, 1] })).slice(1);
  const doctorMedian = median(doctorMs);
  console.log('');
  console.log(`doctor on ${DOCTOR_FILES.toLocaleString('en')} tracked files: median ${doctorMedian.toFixed(0)} ms, p90 ${quantile(doctorMs, 0.9).toFixed(0)} ms over ${DOCTOR_RUNS} runs  (goal < ${DOCTOR_GOAL_MS} ms ${doctorMedian < DOCTOR_GOAL_MS ? 'met' : 'MISSED'})`);
  const watch = await watchRestartMs(dir20, env);
  const restartMs = watch.restart - watch.startup;
  console.log(`run --watch, a set to the new child's first line: median ${watch.restart.toFixed(0)} ms (p90 ${watch.p90.toFixed(0)}), minus the child's own start-up ${watch.startup.toFixed(0)} ms = ${restartMs.toFixed(0)} ms over ${WATCH_RUNS} restarts  (goal <= ${WATCH_GOAL_MS} ms ${restartMs <= WATCH_GOAL_MS ? 'met' : 'MISSED'})`);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
