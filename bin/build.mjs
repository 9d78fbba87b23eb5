// Builds dist/: the CLI front door (cli.cjs), the program and library bundles, the type
// declarations, and manifest.schema.json from the manifest's zod schema.
// Not shipped; run by `npm run build` and by `prepare` on `npm ci`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(`${root}dist`, { recursive: true, force: true });

const bundling = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
};

const common = {
  ...bundling,
  define: { DEVSECRETS_VERSION: JSON.stringify(pkg.version), DEVSECRETS_CHECKS_REVISION: JSON.stringify(await checksRevision()) },
};

// The program and the library: ES modules, split so each command loads only its own code.
await build({
  ...common,
  entryPoints: { program: 'src/cli/program.ts', index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  // Flat: every chunk sits in dist/, so ../templates resolves from any of them.
  chunkNames: '[name]-[hash]',
  // keytar is native and optional: it must stay a runtime import that may fail. re2js is
  // required only when a manifest holds a regex (src/core/safe-regex.ts): kept apart, its
  // 260 kB are not read and parsed by every command that loads the checks.
  external: ['keytar', 're2js'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __devsecretsRequire}from'node:module';const require=__devsecretsRequire(import.meta.url);" },
});

// The front door with `run` inside: one CommonJS body, because Node starts a CommonJS
// program about 10 ms sooner than an ES module, written as a function expression that
// bin/devsecrets.js compiles with V8's code cache (see trainCodeCache). The program it
// hands other commands to, and the packages only `run`'s rarer paths need, stay imports
// resolved at run time — as require() (Node >= 20.19 requires ES modules too), because a
// dynamic import() inside code compiled by node:vm needs an experimental flag on Node 20.
await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  supported: { 'dynamic-import': false },
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '})' },
  external: ['keytar', 'zod', 'zod/*', 'age-encryption', 'commander', 'execa', 'ignore', 're2js'],
  plugins: [{
    name: 'program-stays-apart',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\/program\.js$/ }, () => ({ path: './program.js', external: true }));
    },
  }],
});

trainCodeCache();

const { manifestJsonSchema } = await import(`${root}dist/index.js`);
writeFileSync(`${root}manifest.schema.json`, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`, '--noEmit', 'false', '--emitDeclarationOnly', '--outDir', `${root}dist/types`], { stdio: 'inherit' });

/**
 * The revision of the checks a store's stamp vouches for (see CHECKS_REVISION in
 * src/core/store-document.ts): a hash of the bundled code of every check `run` skips when a
 * stamp covers the store — the manifest's checks, the validators, the insecure rules and
 * the stamping itself, with the dependencies they bundle (zod). Any change to that code
 * changes the revision, so stamps made under other checks stop counting.
 */
async function checksRevision() {
  const checks = await build({
    ...bundling,
    stdin: {
      contents: [
        "export { parseManifest } from './src/core/manifest.ts';",
        "export { environmentRefusal, evaluateValues } from './src/core/evaluate.ts';",
        "export { stampDocument } from './src/core/store-stamp.ts';",
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'checks.ts',
    },
    format: 'esm',
    write: false,
  });
  return createHash('sha256').update(checks.outputFiles[0].contents).digest('hex').slice(0, 16);
}

/**
 * Writes dist/cli.cjs.cache: V8's code cache of dist/cli.cjs, taken at the end of one real
 * `devsecrets run` in a scratch project, so it holds the bytecode of every function that
 * path compiles. A later `run` then compiles almost nothing (about 8 ms less). A Node whose
 * V8 differs rejects the cache and compiles as usual; without a cache nothing changes either,
 * so a failed training only warns.
 */
function trainCodeCache() {
  const scratch = mkdtempSync(join(tmpdir(), 'devsecrets-build-'));
  const env = { PATH: process.env.PATH ?? '', HOME: scratch, DEVSECRETS_HOME: join(scratch, 'home'), DEVSECRETS_KEYCHAIN: 'off' };
  // bin/devsecrets.js's own compilation, run as `devsecrets run -- node -e 0`. Where run
  // becomes its child (process.execve), this process ends in the exec with no exit event, so
  // the cache is taken right before it.
  const harness = `
    const { compileCli, file } = require(process.argv[1]);
    const { script, start } = compileCli(false);
    const save = () => require('node:fs').writeFileSync(file + '.cache', script.createCachedData());
    process.argv = [process.execPath, file, 'run', '--', process.execPath, '-e', '0'];
    process.on('exit', (code) => { if (code === 0) save(); });
    const execve = process.execve;
    if (typeof execve === 'function') process.execve = (...args) => { save(); return execve.apply(process, args); };
    start();
  `;
  try {
    writeFileSync(join(scratch, 'devsecrets.json'), JSON.stringify({
      vars: {
        DATABASE_URL: { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true },
        API_TOKEN: { type: 'token', prefix: 'tok_', length: 32, secret: true },
        PORT: { type: 'port', default: 3000 },
      },
    }));
    execFileSync(process.execPath, [`${root}bin/devsecrets.js`, 'init'], { cwd: scratch, env, stdio: 'ignore' });
    execFileSync(process.execPath, ['-e', harness, `${root}bin/devsecrets.js`], { cwd: scratch, env, stdio: 'ignore' });
  } catch (error) {
    console.warn(`build: no code cache for dist/cli.cjs (${error.message.split('\n')[0]}); devsecrets run starts a little slower`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
