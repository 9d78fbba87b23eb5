#!/usr/bin/env node
// Loads the built CLI (dist/ is produced by `npm run build`, run automatically by `npm ci`).
import '../dist/cli.js';
