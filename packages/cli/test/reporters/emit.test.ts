import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@keyward/test-utils/git';
import { emitReport, exitCodeFor } from '../../src/reporters/index.js';
import { KeywardError } from '../../src/errors.js';
import { OPTIONS, cleanReport, worktreeReport } from './fixture.js';

function memoryIo(cwd: string) {
  let out = '';
  return { cwd, stdout: { write: (chunk: string | Uint8Array) => (out += String(chunk)) }, text: () => out };
}

describe('emitReport', () => {
  it('writes the rendered format to stdout', async () => {
    const io = memoryIo(tempDir());
    await emitReport(worktreeReport(), { ...OPTIONS, format: 'json' }, io);
    expect(JSON.parse(io.text()).findings).toHaveLength(5);
  });

  it('writes --output to a file, without colour, leaving stdout empty', async () => {
    const dir = tempDir();
    const io = memoryIo(dir);
    await emitReport(worktreeReport(), { ...OPTIONS, color: true, format: 'text', output: 'report.txt' }, io);
    expect(io.text()).toBe('');
    const text = readFileSync(join(dir, 'report.txt'), 'utf8');
    expect(text).toContain('openai-project-key');
    expect(text).not.toContain('\x1b[');
  });

  it('creates a --reveal report with mode 0600, and narrows an existing file', async () => {
    const dir = tempDir();
    const report = worktreeReport();
    await emitReport(report, { ...OPTIONS, reveal: true, format: 'json', output: 'new.json' }, memoryIo(dir));
    expect(statSync(join(dir, 'new.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'new.json'), 'utf8')).findings[0].secret).toBe(
      report.findings.find((f) => f.path === '.env')!.secret,
    );
    writeFileSync(join(dir, 'old.json'), 'x');
    chmodSync(join(dir, 'old.json'), 0o644);
    await emitReport(report, { ...OPTIONS, reveal: true, format: 'json', output: 'old.json' }, memoryIo(dir));
    expect(statSync(join(dir, 'old.json')).mode & 0o777).toBe(0o600);
  });

  it('says which file it could not write (exit 2)', async () => {
    const dir = tempDir();
    const error = await emitReport(
      cleanReport(),
      { ...OPTIONS, format: 'json', output: 'missing/dir/r.json' },
      memoryIo(dir),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).message).toBe(
      `${join(dir, 'missing/dir/r.json')}: cannot write the output (ENOENT)`,
    );
    expect((error as KeywardError).exitCode).toBe(2);
  });

  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY for the github format', async () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '## earlier step\n');
    const io = memoryIo(dir);
    await emitReport(
      worktreeReport(),
      { ...OPTIONS, format: 'github', env: { GITHUB_STEP_SUMMARY: summary } },
      io,
    );
    expect(io.text()).toMatch(/^::error /);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('## earlier step\n### keyward: 5 secrets found')).toBe(true);
    for (const f of worktreeReport().findings) expect(markdown).not.toContain(f.secret);
  });

  it('writes no step summary for other formats', async () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    await emitReport(
      worktreeReport(),
      { ...OPTIONS, format: 'sarif', env: { GITHUB_STEP_SUMMARY: summary } },
      memoryIo(dir),
    );
    expect(readFileSync(summary, 'utf8')).toBe('');
  });
});

describe('exitCodeFor', () => {
  const report = worktreeReport(); // critical, high ×2, medium, low
  const only = (severity: 'critical' | 'high' | 'medium' | 'low') => ({
    findings: report.findings.filter((f) => f.severity === severity),
  });

  it('fails on any finding by default and passes a clean scan', () => {
    expect(exitCodeFor(report)).toBe(1);
    expect(exitCodeFor(only('low'))).toBe(1);
    expect(exitCodeFor(cleanReport())).toBe(0);
  });

  it('fails only at or above --fail-on', () => {
    expect(exitCodeFor(only('medium'), { failOn: 'high' })).toBe(0);
    expect(exitCodeFor(only('high'), { failOn: 'high' })).toBe(1);
    expect(exitCodeFor(only('critical'), { failOn: 'high' })).toBe(1);
    expect(exitCodeFor(only('high'), { failOn: 'critical' })).toBe(0);
    expect(exitCodeFor(only('low'), { failOn: 'medium' })).toBe(0);
  });

  it('never fails with --exit-zero', () => {
    expect(exitCodeFor(report, { exitZero: true })).toBe(0);
    expect(exitCodeFor(report, { exitZero: true, failOn: 'low' })).toBe(0);
  });
});
