#!/usr/bin/env -S node --
// Starts the built CLI (dist/ is produced by `npm run build`, run automatically by `npm ci`).
// `devsecrets run` starts on every `npm start`, so this file is CommonJS (bin/package.json
// says so: Node starts a CommonJS program faster than an ES module) and compiles
// dist/cli.cjs — a function expression — with the V8 code cache the build made beside it,
// as Node's own loader would compile it but without parsing and compiling every function
// anew. A cache from another Node version is rejected by V8, and the code compiles as usual.
// The build trains that cache through `compileCli` below, so both compile alike.
// The `--` in the shebang ends Node's own options: Node 20 otherwise reads `--env-file`
// anywhere on the command line (nodejs/node#54232), even in `devsecrets check --env-file`.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
// The bundle's require: its own files lie beside it in dist/; packages and built-ins resolve
// from bin/ as from dist/ (both in the package). Cheaper than loading node:module for createRequire.
const bundleRequire = (id) => require(id.startsWith('./') ? join(dirname(file), id) : id);

/**
 * Compiles dist/cli.cjs, with its code cache unless `withCache` is false (the build's
 * training run, which makes the cache).
 * @returns the compiled script (for `createCachedData`), and the function that starts the CLI
 */
function compileCli(withCache = true) {
  let cachedData;
  try {
    if (withCache) cachedData = readFileSync(`${file}.cache`);
  } catch {
    // No cache (a build that could not make one): compile without.
  }
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
  const body = script.runInThisContext();
  const start = () => {
    const cli = { exports: {} };
    body(cli.exports, bundleRequire, cli, file, dirname(file));
  };
  return { script, start };
}

if (require.main === module) compileCli().start();
else module.exports = { compileCli, file };
