import { existsSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Finding } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { scanMode } from '../scan/select-source.js';
import { useColor } from '../scan/color.js';
import { colors } from '../reporters/colors.js';
import { collectScan, reportable } from '../scan/collect.js';
import {
  DEFAULT_BASELINE_FILE,
  applyBaseline,
  baselineOf,
  pruneBaseline,
  readBaseline,
  serializeBaseline,
} from '../baseline/index.js';

/**
 * `keyward baseline`: scans like `keyward scan` (any mode) and writes what it would report to a baseline
 * file (fingerprints, rule ids, paths and redacted forms; never a secret), so that `scan --baseline`
 * reports only what is new. `--prune` instead drops the entries of an existing baseline that this scan no
 * longer finds, and adds nothing. --quiet leaves out the progress and the closing line; errors and the
 * stale entries still print. Exit 0, or 2 on any error (nothing is written then).
 */
export async function runBaseline(args: Args, io: Io): Promise<number> {
  const file = resolve(io.cwd, typeof args.output === 'string' ? args.output : DEFAULT_BASELINE_FILE);
  const shown = relative(io.cwd, file) || file;
  const mode = scanMode(args);
  if (args.prune === true && (mode === 'staged' || mode === 'pre-push' || mode === 'stdin')) {
    // These modes see only part of the repository: everything else would look stale.
    throw new KeywardError('E_USAGE', { message: `--prune needs a full scan, not --${mode}` });
  }
  const existing = args.prune === true ? readBaseline(file) : undefined;
  const c = colors(useColor(args, io).stderr);
  const say = (line: string) => {
    if (args.quiet !== true) io.stderr.write(`keyward: ${line}\n`);
  };

  const { findings, errors } = await collectFindings(args, io);
  for (const line of errors) io.stderr.write(`keyward: ${line}\n`);
  if (errors.length > 0) {
    io.stderr.write(`keyward: baseline ${shown} not written: the scan had errors\n`);
    return EXIT.error;
  }

  if (existing) {
    const { stale } = applyBaseline(findings, existing);
    const pruned = pruneBaseline(existing, stale);
    write(file, serializeBaseline(pruned));
    for (const entry of stale) {
      io.stderr.write(
        `keyward: ${c.yellow('stale:')} ${entry.path} ${entry.ruleId} ${entry.redacted ?? entry.fingerprint.slice(0, 12)}\n`,
      );
    }
    say(`baseline ${shown}: ${c.green(`pruned ${stale.length} stale`)}, kept ${pruned.entries.length}`);
    return EXIT.clean;
  }

  const baseline = baselineOf(findings);
  const replaced = existsSync(file);
  write(file, serializeBaseline(baseline));
  const files = new Set(baseline.entries.map((e) => e.path)).size;
  const count = `${baseline.entries.length} ${baseline.entries.length === 1 ? 'entry' : 'entries'}`;
  say(
    `baseline ${shown} ${c.green(replaced ? 'rewritten' : 'written')}: ${c.bold(count)} ` +
      `in ${files} ${files === 1 ? 'file' : 'files'}; review and commit it, then scan with --baseline ${shown}`,
  );
  return EXIT.clean;
}

/** The findings a scan would report (inline- and config-suppressed ones left out), and the scan's errors. */
async function collectFindings(args: Args, io: Io): Promise<{ findings: Finding[]; errors: string[] }> {
  const result = await collectScan(args, io);
  const errors = [...result.source.errors];
  if (result.source.incomplete) errors.push('the scan was incomplete');
  return { findings: reportable(result.findings), errors };
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeywardError('E_OUTPUT_WRITE', { file, reason: code ?? String(error) });
  }
}
