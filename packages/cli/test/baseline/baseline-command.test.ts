import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKey, runCli, tempDir } from '@keyward/test-utils';
import { applyBaseline, readBaseline } from '../../src/baseline/index.js';
import type { Finding } from '@keyward/core';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(argv, { cwd: dir });
const keyA = fakeKey('openai-project', 31);
const keyB = fakeKey('anthropic', 32);
const keyC = fakeKey('openai-admin', 33);

/** The findings `keyward scan --format json --reveal` reports, as Finding objects. */
async function scanFindings(): Promise<Finding[]> {
  const r = await cli('scan', '--format', 'json', '--reveal');
  expect([0, 1]).toContain(r.code);
  return JSON.parse(r.stdout).findings;
}

describe('keyward baseline', () => {
  it('round-trips: baseline → nothing new; add a key → only it is new', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${keyA}\n`);
    writeFileSync(join(dir, 'b.ts'), `const anthropic = "${keyB}";\n`);
    const created = await cli('baseline');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('');
    expect(created.stderr).toContain('baseline .keyward-baseline.json written: 2 entries in 2 files');
    const text = readFileSync(join(dir, '.keyward-baseline.json'), 'utf8');
    expect(text).not.toContain(keyA);
    expect(text).not.toContain(keyB);
    expect(statSync(join(dir, '.keyward-baseline.json')).mode & 0o777).not.toBe(0);

    const baseline = readBaseline(join(dir, '.keyward-baseline.json'));
    expect(applyBaseline(await scanFindings(), baseline).fresh).toEqual([]);

    writeFileSync(join(dir, 'c.yml'), `admin_key: ${keyC}\n`);
    const result = applyBaseline(await scanFindings(), baseline);
    expect(result.fresh.map((f) => [f.path, f.ruleId])).toEqual([['c.yml', 'openai-admin-key']]);
    expect(result.suppressed).toHaveLength(2);
  });

  it('scan --baseline: clean after the baseline, then only the new key, with the suppressed count', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${keyA}\n`);
    writeFileSync(join(dir, 'b.ts'), `const anthropic = "${keyB}";\n`);
    expect((await cli('scan')).code).toBe(1);
    expect((await cli('baseline')).code).toBe(0);
    const clean = await cli('scan', '--baseline', '.keyward-baseline.json');
    expect(clean).toMatchObject({ code: 0, stdout: '' });
    expect(clean.stderr).toContain('no secrets found');
    expect(clean.stderr).toContain('suppressed 2 (2 baseline)');

    writeFileSync(join(dir, 'c.yml'), `admin_key: ${keyC}\n`);
    const fresh = await cli('scan', '--baseline', '.keyward-baseline.json', '--format', 'json');
    expect(fresh.code).toBe(1);
    expect(JSON.parse(fresh.stdout).findings.map((f: Finding) => [f.path, f.ruleId])).toEqual([
      ['c.yml', 'openai-admin-key'],
    ]);
    expect(fresh.stderr).toContain('suppressed 2 (2 baseline)');
  });

  it('scan --baseline with a broken baseline file is an error, never a clean scan (exit 2)', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${keyA}\n`);
    writeFileSync(join(dir, 'broken.json'), '{"version":1,"entries":[{"fingerprint":');
    const r = await cli('scan', '--baseline', 'broken.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken.json: cannot read the baseline (not valid JSON)');
  });

  it('writes to --output and rewrites on the next run', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${keyA}\n`);
    expect((await cli('baseline', '--output', 'ci/../reviewed.json')).code).toBe(0);
    writeFileSync(join(dir, 'b.ts'), `const anthropic = "${keyB}";\n`);
    const again = await cli('baseline', '-o', 'reviewed.json');
    expect(again.stderr).toContain('baseline reviewed.json rewritten: 2 entries in 2 files');
    expect(readBaseline(join(dir, 'reviewed.json')).entries).toHaveLength(2);
  });

  it('--prune drops entries that no longer occur and adds nothing', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${keyA}\n`);
    writeFileSync(join(dir, 'b.ts'), `const anthropic = "${keyB}";\n`);
    await cli('baseline');
    rmSync(join(dir, 'a.env'));
    writeFileSync(join(dir, 'c.yml'), `admin_key: ${keyC}\n`);
    const pruned = await cli('baseline', '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toContain(`stale: a.env openai-project-key sk-proj-…${keyA.slice(-4)}`);
    expect(pruned.stderr).toContain('pruned 1 stale, kept 1');
    expect(readBaseline(join(dir, '.keyward-baseline.json')).entries.map((e) => e.path)).toEqual(['b.ts']);
  });

  it('--prune without a baseline file is an error (exit 2)', async () => {
    const r = await cli('baseline', '--prune');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `keyward: ${join(dir, '.keyward-baseline.json')}: cannot read the baseline (no such file)\n`,
    );
  });

  it('--prune refuses a partial scan mode', async () => {
    const r = await cli('baseline', '--prune', '--stdin');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--prune needs a full scan, not --stdin');
  });

  it('writes nothing when the scan has errors', async () => {
    const r = await cli('baseline', 'no/such/path');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not written');
    expect(() => statSync(join(dir, '.keyward-baseline.json'))).toThrow();
  });
});
