// Builds dist/: the CLI front door (cli.cjs), the program and library bundles, the type
// declarations, and manifest.schema.json from the manifest's zod schema.
// Not shipped; run by `npm run build` and by `prepare` on `npm ci`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(`${root}dist`, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  define: { DEVSECRETS_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
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
  // keytar is native and optional: it must stay a runtime import that may fail.
  external: ['keytar'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __devsecretsRequire}from'node:module';const require=__devsecretsRequire(import.meta.url);" },
});

// The front door with `run` inside: one CommonJS file, because Node starts a CommonJS
// program about 10 ms sooner than an ES module. The program it hands other commands to,
// and the packages only `run`'s rarer paths need, stay imports resolved at run time.
await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: ['keytar', 'zod', 'zod/*', 'age-encryption', 'commander', 'execa', 'ignore'],
  plugins: [{
    name: 'program-stays-apart',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\/program\.js$/ }, () => ({ path: './program.js', external: true }));
    },
  }],
});

const { manifestJsonSchema } = await import(`${root}dist/index.js`);
writeFileSync(`${root}manifest.schema.json`, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`, '--noEmit', 'false', '--emitDeclarationOnly', '--outDir', `${root}dist/types`], { stdio: 'inherit' });
