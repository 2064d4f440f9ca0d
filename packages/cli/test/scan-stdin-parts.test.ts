import { describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { stdinSource } from '@keyward/sources/stdin';
import { fakeKey, randomString, rng, runCli, tempDir } from '@keyward/test-utils';
import { runPipeline } from '../src/scan/pipeline.js';

/** A log with keys among ordinary lines: some where parts are cut, a PEM block, a key whose context is a line up. */
function log(seed: number): { text: string; keys: number } {
  const next = rng(seed);
  const lines: string[] = [];
  let keys = 0;
  for (let i = 0; i < 3000; i++) {
    const r = next();
    if (r < 0.01) {
      lines.push(
        `2026-12-06T10:00:${i % 60} auth OPENAI_API_KEY=${fakeKey('openai-project', seed * 1000 + i)}`,
      );
      keys++;
    } else if (r < 0.012) {
      lines.push('deepseek client configured with', `  api_key: ${fakeKey('deepseek', seed * 1000 + i)}`);
      keys++;
    } else if (r < 0.013) {
      const body = Array.from({ length: 20 }, () => randomString(next, 'alnum', 64));
      lines.push('-----BEGIN RSA PRIVATE KEY-----', ...body, '-----END RSA PRIVATE KEY-----');
      keys++;
    } else {
      lines.push(
        `2026-12-06T10:00:${i % 60} info request ${i} token refresh took ${Math.floor(next() * 900)} ms`,
      );
    }
  }
  return { text: `${lines.join('\n')}\n`, keys };
}

async function findings(text: string, parts?: { partBytes: number; contextBytes: number }) {
  async function* stream() {
    for (let at = 0; at < text.length; at += 4096) yield text.slice(at, at + 4096);
  }
  const source = stdinSource({ stream: stream(), name: 'app.log', ...parts });
  const result = await runPipeline(source, createScanner(RULES), {
    jobs: 1,
    rules: RULES,
    inlineAllow: true,
  });
  return {
    found: result.findings.map(
      (f) => `${f.ruleId} ${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.secret}`,
    ),
    files: result.stats.files,
    bytes: result.stats.bytes,
  };
}

describe('stdin read in parts', () => {
  it('finds what one read of the whole finds, at the same lines, once each, whatever the cuts', async () => {
    for (const seed of [1, 2, 3]) {
      const { text, keys } = log(seed);
      const whole = await findings(text);
      expect(whole.found.length).toBeGreaterThanOrEqual(keys);
      for (const partBytes of [3000, 7777, 20000]) {
        const inParts = await findings(text, { partBytes, contextBytes: 8192 });
        expect({ seed, partBytes, ...inParts }).toEqual({ seed, partBytes, ...whole });
      }
    }
  });

  it('scans input over the old whole-input cap, line by line up to the cap (the CLI)', async () => {
    const key = fakeKey('openai-admin', 9);
    const filler = 'x'.repeat(99) + '\n';
    const stdin = `${filler.repeat(20_000)}OPENAI_ADMIN_KEY=${key}\n${filler.repeat(20_000)}`;
    const r = await runCli(['scan', '--stdin', '--max-blob-size', '1MB', '--format', 'json'], {
      cwd: tempDir(),
      stdin,
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { line: number; ruleId: string }) => [f.ruleId, f.line])).toEqual([
      ['openai-admin-key', 20_001],
    ]);
    expect(report.scan).toMatchObject({ files: 1, bytes: Buffer.byteLength(stdin) });
  });
});
