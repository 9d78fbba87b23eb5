#!/usr/bin/env -S node --
// Starts the built CLI (dist/ is produced by `npm run build`, run automatically by `npm ci`).
// `devsecrets run` starts on every `npm start`, so this file is CommonJS (bin/package.json
// says so: Node starts a CommonJS program faster than an ES module) and compiles
// dist/cli.cjs — a function expression — with the V8 code cache the build made beside it,
// as Node's own loader would compile it but without parsing and compiling every function
// anew. A cache from another Node version is rejected by V8, and the code compiles as usual.
// The `--` in the shebang ends Node's own options: Node 20 otherwise reads `--env-file`
// anywhere on the command line (nodejs/node#54232), even in `devsecrets check --env-file`.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  // No cache (a build that could not make one): compile without.
}
const start = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData }).runInThisContext();
const cli = { exports: {} };
start(cli.exports, createRequire(file), cli, file, dirname(file));
