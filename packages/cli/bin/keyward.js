#!/usr/bin/env node
// Thin launcher: load the CLI lazily so a broken install still exits 2 with one line, never a stack trace.
import('../bundle/main.js').then(
  (cli) => cli.main(),
  (error) => {
    process.stderr.write(
      `keyward: cannot load the CLI (${error && error.code ? error.code : error}); reinstall keyward\n`,
    );
    process.exitCode = 2;
  },
);
