import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, loadReporter } from '../../src/reporters/index.js';
import { KeywardError } from '../../src/errors.js';
import { OPTIONS, worktreeReport } from './fixture.js';

describe('loadReporter', () => {
  it.each(REPORT_FORMATS)('loads the %s reporter', async (format) => {
    const reporter = await loadReporter(format);
    const out = await reporter(worktreeReport(), OPTIONS);
    expect(out.length).toBeGreaterThan(0);
  });

  it('rejects an unknown format with a usage error (exit 2)', async () => {
    const error = await loadReporter('yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('E_USAGE');
    expect((error as KeywardError).exitCode).toBe(2);
  });
});
