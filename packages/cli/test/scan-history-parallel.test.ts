import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { historySource, HISTORY_PARALLEL_MIN_BYTES, type HistoryOptions } from '@keyward/sources/history';
import type { HistoryWork, ParallelWork, ScanSource } from '@keyward/sources';
import { createRepo, fakeKey, GIT_ENV, type TempRepo } from '@keyward/test-utils';
import type * as Pipeline from '../src/scan/pipeline.js';

// Workers start from the build: the pipeline is imported from dist/ (its workers load dist/scan/worker.js),
// and the bin runs the bundle, as users do.
const { runPipeline } = (await import('../dist/scan/pipeline.js')) as typeof Pipeline;
const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));
const ENV = { ...process.env, ...GIT_ENV };

const KEYS = {
  removed: fakeKey('openai-project', 801),
  json: fakeKey('anthropic', 802),
  side: fakeKey('openai-admin', 803),
  unreachable: fakeKey('openai-svcacct', 804),
  head: fakeKey('groq', 805),
};

/** Keys in several blobs over several commits, one only on a side branch, one in a blob no commit holds. */
function history(filler: number): TempRepo {
  const r = createRepo();
  r.commit('one', {
    'config.env': `OPENAI_API_KEY=${KEYS.removed}\n`,
    'data.bin': Buffer.from([0, 1, 2, 3]),
  });
  r.commit('two', { 'config.env': 'OPENAI_API_KEY=\n', 'settings.json': `{"anthropic": "${KEYS.json}"}\n` });
  // Enough distinct text that the blobs fill several runs (and, for the bin, pass the size worth workers).
  const line = (i: number, n: number) => `export const value_${i}_${n} = compute(${n}, "${i}");\n`;
  for (let i = 0; i < 24; i++) {
    const text = Array.from({ length: Math.ceil(filler / 24 / 48) }, (_, n) => line(i, n)).join('');
    r.commit(`filler ${i}`, { [`src/module-${i % 8}.ts`]: text });
  }
  r.git('checkout', '-q', '-b', 'side', 'HEAD~10');
  r.commit('side', { 'side.txt': `token: ${KEYS.side}\n` });
  r.git('checkout', '-q', 'main');
  r.commit('head', { '.env': `GROQ_API_KEY=${KEYS.head}\n` });
  r.write({ 'loose.txt': `OPENAI_API_KEY=${KEYS.unreachable}\n` });
  r.git('hash-object', '-w', 'loose.txt');
  rmSync(join(r.dir, 'loose.txt'));
  return r;
}

/** The history source, noting the work its plan hands the workers (none: the scan ran in this thread). */
function watched(options: HistoryOptions): { source: ScanSource; work: () => ParallelWork | undefined } {
  const source = historySource(options);
  let work: ParallelWork | undefined;
  const parallel = source.parallel!.bind(source);
  source.parallel = () => {
    const plan = parallel();
    return {
      ...plan,
      work: async (workers) => (work = await plan.work(workers)),
    };
  };
  return { source, work: () => work };
}

async function scan(r: TempRepo, jobs: number, more: Partial<HistoryOptions> = {}) {
  const { source, work } = watched({
    cwd: r.dir,
    env: ENV,
    parallelMinBytes: 0,
    unlistedPackBytes: 0, // the listing's path: the one that splits work for workers
    ...more,
  });
  const result = await runPipeline(source, createScanner(RULES), { jobs, rules: RULES, inlineAllow: true });
  const { durationMs: _duration, ...stats } = result.stats;
  return { findings: result.findings, stats, source: result.source, work: work() };
}

describe('history scan on worker threads', () => {
  let r: TempRepo;
  let scratch: string;
  const tmp = process.env.TMPDIR;
  /** The workers' named pipes go in a folder under TMPDIR: a TMPDIR of our own shows none is left behind. */
  const pipeFolders = () => readdirSync(scratch).filter((name) => name.startsWith('keyward-pipes-'));
  beforeAll(() => {
    r = history(400_000);
    scratch = mkdtempSync(join(tmpdir(), 'kw-history-parallel-'));
    process.env.TMPDIR = scratch;
  });
  afterAll(() => {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    r.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('finds the same keys, attributed the same, with the same counts as one thread', async () => {
    const one = await scan(r, 1);
    const two = await scan(r, 2);
    expect(one.work).toBeUndefined();
    expect(two.work).toMatchObject({ kind: 'history', runs: [expect.anything(), expect.anything()] });
    expect((two.work as HistoryWork).pipes?.[0]).toContain(scratch); // read through named pipes, since removed
    expect(two.findings).toEqual(one.findings);
    expect(two.stats).toEqual(one.stats);
    expect(two.source).toEqual(one.source);
    expect(one.stats.blobs).toBeGreaterThan(20);
    expect(one.source.skipped.binary).toBe(1);
    const bySecret = new Map(one.findings.map((f) => [f.secret, f]));
    expect([...bySecret.keys()].sort()).toEqual(Object.values(KEYS).sort());
    expect(bySecret.get(KEYS.removed)).toMatchObject({
      path: 'config.env',
      reachable: true,
      presentAtHead: false,
    });
    expect(bySecret.get(KEYS.side)).toMatchObject({ path: 'side.txt', reachable: true });
    expect(bySecret.get(KEYS.unreachable)).toMatchObject({ reachable: false });
    expect(bySecret.get(KEYS.head)).toMatchObject({ path: '.env', presentAtHead: true });
    expect(pipeFolders()).toEqual([]);
  });

  it('keeps --shard and --branch', async () => {
    const seen = new Set<string>();
    for (let index = 1; index <= 2; index++) {
      const shard = { shard: { index, count: 2 } };
      const one = await scan(r, 1, shard);
      const two = await scan(r, 2, shard);
      expect(two.work).toBeDefined();
      expect(two.findings).toEqual(one.findings);
      expect(two.stats).toEqual(one.stats);
      for (const f of one.findings) seen.add(f.secret);
    }
    expect([...seen].sort()).toEqual(Object.values(KEYS).sort());
    const one = await scan(r, 1, { refs: ['side'] });
    const two = await scan(r, 2, { refs: ['side'] });
    expect(two.work).toBeDefined();
    expect(two.findings).toEqual(one.findings);
    expect(one.findings.map((f) => f.secret).sort()).toEqual([KEYS.removed, KEYS.json, KEYS.side].sort());
  });

  it('with requireComplete, stops the workers and fails with E_HISTORY_INCOMPLETE when an object is missing; without, reads the rest', async () => {
    const broken = history(50_000);
    try {
      const whole = await scan(broken, 2);
      const blob = broken.git('rev-parse', 'main:src/module-3.ts');
      rmSync(join(broken.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const error = await scan(broken, 2, { requireComplete: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_HISTORY_INCOMPLETE' });
      expect(pipeFolders()).toEqual([]);
      const partial = await scan(broken, 2);
      expect(partial.work).toBeDefined();
      expect(partial.findings).toEqual(whole.findings); // the lost blob held no key
      expect(partial.stats.blobs).toBe(whole.stats.blobs - 1);
      expect(partial.source).toMatchObject({ incomplete: true, missing: { ids: [blob], count: 1 } });
      expect(pipeFolders()).toEqual([]);
    } finally {
      broken.cleanup();
    }
  });
});

describe('keyward scan --history (bin) above the size worth workers', () => {
  let r: TempRepo;
  beforeAll(() => {
    r = history(HISTORY_PARALLEL_MIN_BYTES + (1 << 20));
  });
  afterAll(() => r.cleanup());

  const bin = (...args: string[]) => {
    try {
      return {
        code: 0,
        stdout: execFileSync(process.execPath, [BIN, ...args], {
          cwd: r.dir,
          env: ENV,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const report = (stdout: string) => {
    const parsed = JSON.parse(stdout) as { scan: Record<string, unknown>; findings: unknown[] };
    delete parsed.scan.durationMs;
    return parsed;
  };

  it('prints the same report with --jobs 1 and --jobs 2, and exits 3 on a missing object', () => {
    const one = bin('scan', '--history', '--jobs', '1', '--format', 'json', '--reveal');
    const two = bin('scan', '--history', '--jobs', '2', '--format', 'json', '--reveal');
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(report(two.stdout)).toEqual(report(one.stdout));
    expect(report(one.stdout).scan.bytes).toBeGreaterThan(HISTORY_PARALLEL_MIN_BYTES);
    expect(report(one.stdout).findings).toHaveLength(Object.keys(KEYS).length);
    const blob = r.git('rev-parse', 'main:src/module-5.ts');
    rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const broken = bin('scan', '--history', '--jobs', '2', '--format', 'json', '--reveal');
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/partial audit: 1 object is missing/);
    // Every key is still reported (the lost blob held none), and the report names the lost blob.
    const partial = JSON.parse(broken.stdout) as {
      findings: unknown[];
      complete: boolean;
      missing: string[];
    };
    expect(partial.findings).toEqual(JSON.parse(one.stdout).findings);
    expect(partial).toMatchObject({ complete: false, missing: [blob] });
    const refused = bin('scan', '--history', '--jobs', '2', '--require-complete');
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/the repository history is incomplete \(1 object is missing/);
  });
});
