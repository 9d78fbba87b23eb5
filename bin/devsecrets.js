#!/usr/bin/env -S node --
// Loads the built CLI (dist/ is produced by `npm run build`, run automatically by `npm ci`).
// CommonJS (bin/package.json says so): Node starts a CommonJS program faster than an ES
// module, and `devsecrets run` starts on every `npm start`.
// The `--` in the shebang ends Node's own options: Node 20 otherwise reads `--env-file`
// anywhere on the command line (nodejs/node#54232), even in `devsecrets check --env-file`.
'use strict';
require('../dist/cli.cjs');
