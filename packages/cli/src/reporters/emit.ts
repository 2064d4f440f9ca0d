import { appendFileSync, closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { KeywardError } from '../errors.js';
import type { Io } from '../io.js';
import type { Report, ReporterOptions } from '../report.js';
import { loadReporter } from './load.js';
import { REPOSITORY_PATH_FORMATS, withRepositoryPaths } from './repository-paths.js';

export interface EmitOptions extends ReporterOptions {
  format: string;
  /** `--output <file>`: write there instead of stdout. */
  output?: string;
}

/** What a command's `--format`, `--output` and `--reveal` ask of its report. */
export function outputOptions(
  args: Readonly<Record<string, unknown>>,
): Pick<EmitOptions, 'format' | 'output' | 'reveal'> {
  return {
    format: String(args.format ?? 'text'),
    ...(typeof args.output === 'string' ? { output: args.output } : {}),
    reveal: args.reveal === true,
  };
}

/**
 * Renders the report in its format and delivers it: to stdout, or to `--output` (mode 0600 when it holds
 * full secrets). The `github` format also appends its Markdown summary to `$GITHUB_STEP_SUMMARY`.
 * The summary line is not written here: the pipeline writes `summaryLine()` to stderr.
 */
export async function emitReport(
  report: Report,
  options: EmitOptions,
  io: Pick<Io, 'stdout' | 'cwd'>,
): Promise<void> {
  const shown = REPOSITORY_PATH_FORMATS.has(options.format) ? withRepositoryPaths(report, io.cwd) : report;
  // An agent audit's text names the agent, why and the fix under each finding (a merged one too).
  const reporter =
    options.format === 'text' && report.scan.mode === 'agents'
      ? (await import('../agents/text.js')).agentsTextReporter
      : await loadReporter(options.format);
  // A file never gets colour codes, whatever the terminal is.
  const text = await reporter(shown, {
    ...options,
    color: options.output ? false : options.color,
    git: options.git ?? { cwd: io.cwd, env: options.env },
  });
  if (options.output) writeOutputFile(resolve(io.cwd, options.output), text, options.reveal);
  else if (text.length > 0) io.stdout.write(text);
  if (options.format === 'github' && options.env.GITHUB_STEP_SUMMARY) {
    const { githubStepSummary } = await import('./github.js');
    appendStepSummary(options.env.GITHUB_STEP_SUMMARY, githubStepSummary(shown));
  }
}

/**
 * Writes (replacing) a report file. With `secret` (a --reveal report) it is created 0600 and an existing
 * file is narrowed to 0600 before anything is written into it.
 */
export function writeOutputFile(file: string, text: string, secret: boolean): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'w', secret ? 0o600 : 0o644);
    if (secret) fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } catch (error) {
    throw new KeywardError('E_OUTPUT_WRITE', { file, reason: reasonOf(error) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function appendStepSummary(file: string, markdown: string): void {
  try {
    appendFileSync(file, markdown);
  } catch (error) {
    throw new KeywardError('E_OUTPUT_WRITE', { file, reason: reasonOf(error) });
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
