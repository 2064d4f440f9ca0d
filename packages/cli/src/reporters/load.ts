import type { Reporter } from '../report.js';
import { KeywardError } from '../errors.js';

/** The output formats keyward renders (`--format`). */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Each format's module is imported only when that format is asked for, so the pre-commit hook (text)
 * never loads the others.
 */
const LOADERS: Record<ReportFormat, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).textReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  sarif: async () => (await import('./sarif.js')).sarifReporter,
  github: async () => (await import('./github.js')).githubReporter,
  gitlab: async () => (await import('./gitlab.js')).gitlabReporter,
  junit: async () => (await import('./junit.js')).junitReporter,
  html: async () => (await import('./html/index.js')).htmlReporter,
};

export function isReportFormat(format: string): format is ReportFormat {
  return Object.hasOwn(LOADERS, format);
}

export async function loadReporter(format: string): Promise<Reporter> {
  if (!isReportFormat(format)) {
    throw new KeywardError('E_USAGE', {
      message: `--format ${format}: no such format (${REPORT_FORMATS.join(', ')})`,
    });
  }
  return LOADERS[format]();
}
