// Builds dist/: the CLI and library bundles (esbuild, split so each command loads only its
// own code), the type declarations, and manifest.schema.json from the manifest's zod schema.
// Not shipped; run by `npm run build` and by `prepare` on `npm ci`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  // Flat: every chunk sits in dist/, so ../templates resolves from any of them.
  chunkNames: '[name]-[hash]',
  // keytar is native and optional: it must stay a runtime import that may fail.
  external: ['keytar'],
  define: { DEVSECRETS_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __devsecretsRequire}from'node:module';const require=__devsecretsRequire(import.meta.url);" },
  logLevel: 'warning',
});

const { manifestJsonSchema } = await import(`${root}dist/index.js`);
writeFileSync(`${root}manifest.schema.json`, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`, '--noEmit', 'false', '--emitDeclarationOnly', '--outDir', `${root}dist/types`], { stdio: 'inherit' });
