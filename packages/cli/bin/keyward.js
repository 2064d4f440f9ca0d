#!/usr/bin/env node
'use strict';
// Thin launcher: load the CLI here so a broken install still exits 2 with one line, never a stack trace.
// The bundle is CommonJS, loaded with V8's code cache (load-bundle.cjs): a hook pays for it on every commit.
// This file is CommonJS too (bin/package.json): an ES module entry starts Node's ESM loader, which cost
// ~8 ms of a ~220 ms `scan --staged` (10 files staged, 10k-file repo; median of 30 paired runs, 0.967x).

// Each command keeps its own code caches (load-bundle.cjs): a cache holds the functions of the run that
// wrote it, and a first `keyward install` or `--version` would otherwise leave the hook's chunk half cached.
const command = process.argv[2];
const cacheFor = command !== undefined && /^[a-z][a-z-]{0,31}$/.test(command) ? command : 'cli';

let cli;
try {
  cli = require('./load-bundle.cjs').loadBundle('main.cjs', { cacheFor });
} catch (error) {
  process.stderr.write(
    `keyward: cannot load the CLI (${error && error.code ? error.code : error}); reinstall keyward\n`,
  );
  process.exitCode = 2;
}
cli?.main();
