#!/usr/bin/env node
// Thin launcher: load the CLI here so a broken install still exits 2 with one line, never a stack trace.
// The bundle is CommonJS, loaded with V8's code cache (load-bundle.cjs): a hook pays for it on every commit.
import { createRequire } from 'node:module';

// Only `scan` runs (what hooks and CI run) write code caches: a cache holds the functions of the run that
// wrote it, and `keyward install` or `--version`, often the first commands after an install, would leave
// the hook's chunk half cached for good (see load-bundle.cjs).
const writeCaches = process.argv[2] === 'scan';

let cli;
try {
  cli = createRequire(import.meta.url)('./load-bundle.cjs').loadBundle('main.cjs', { writeCaches });
} catch (error) {
  process.stderr.write(
    `keyward: cannot load the CLI (${error && error.code ? error.code : error}); reinstall keyward\n`,
  );
  process.exitCode = 2;
}
cli?.main();
