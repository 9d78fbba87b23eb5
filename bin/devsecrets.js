#!/usr/bin/env -S node --
// Loads the built CLI (dist/ is produced by `npm run build`, run automatically by `npm ci`).
// The `--` in the shebang ends Node's own options: Node 20 otherwise reads `--env-file`
// anywhere on the command line (nodejs/node#54232), even in `devsecrets check --env-file`.
import '../dist/cli.js';
