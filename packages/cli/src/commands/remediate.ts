import { resolve } from 'node:path';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { RuleMeta } from '../report.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { auditKeys } from '../reporters/html/keys.js';
import { colors } from '../reporters/colors.js';
import { useColor } from '../scan/color.js';
import { plural } from '../reporters/shared.js';
import { readJsonReport } from './report-file.js';
import { renderRunbook } from './remediate-runbook.js';
import { replacementLines, writeSecretFile } from './replacements-file.js';
import { checkOutsideWorkTree } from './secret-location.js';

/**
 * `keyward remediate --from <report.json> [--output <file>]`: prints the runbook for every key in a
 * `--reveal` JSON report (redacted: stdout never shows a whole key) and, with --output, writes the
 * `git filter-repo --replace-text` file that replaces each key with `***REMOVED***` (mode 0600 from its
 * creation). The file is written only where the user says, and never inside a git work tree unless git
 * ignores that path: a file of live keys one `git add .` away from a commit would leak them again.
 * --quiet leaves out the lines that only say what happened or what else to do; warnings still print.
 * Exit 0, or 2 on bad input.
 */
export async function runRemediate(args: Args, io: Io): Promise<number> {
  if (typeof args.from !== 'string' || args.from === '')
    throw new KeywardError('E_USAGE', { message: 'name the report: keyward remediate --from <report.json>' });
  const quiet = args.quiet === true;
  const report = readJsonReport(args.from, io.cwd);
  if (report.findings.length === 0) {
    if (!quiet) io.stderr.write(`keyward: ${args.from} lists no keys: nothing to remediate\n`);
    return EXIT.clean;
  }
  const { RULES } = await import('@keyward/rules');
  const keys = auditKeys(report.findings, RULES as readonly RuleMeta[]);
  const withSecret = keys.filter((key) => key.secret !== '');
  if (withSecret.length === 0) throw new KeywardError('E_REMEDIATE_REDACTED', { file: args.from });

  const output =
    typeof args.output === 'string' && args.output !== '' ? resolve(io.cwd, args.output) : undefined;
  const lines = replacementLines(withSecret.map((key) => key.secret));
  if (output) {
    await checkOutsideWorkTree(output, io);
    writeSecretFile(output, lines.text);
  }
  const color = useColor(args, io);
  io.stdout.write(renderRunbook(keys, args.from, output, colors(color.stdout)));
  const warn = colors(color.stderr).yellow;

  const missing = keys.length - withSecret.length;
  if (missing > 0)
    io.stderr.write(
      `keyward: ${warn(`${plural(missing, 'key')} in the report ${missing === 1 ? 'has' : 'have'} no secret`)} (written without --reveal): not in the replacements file\n`,
    );
  if (lines.skipped > 0)
    io.stderr.write(
      `keyward: ${warn(`${plural(lines.skipped, 'key')} holding a line break`)} cannot be a --replace-text line: not in the replacements file\n`,
    );
  if (output) {
    io.stderr.write(
      `keyward: wrote ${output} (mode 0600, ${plural(lines.count, 'key')}): ${warn('it holds the full keys')}; keep it out of every repository and delete it once the rewrite is pushed\n`,
    );
  } else if (!quiet) {
    io.stderr.write(
      'keyward: no replacements file written: add --output <file> (outside the repository) to write one\n',
    );
  }
  return EXIT.clean;
}
