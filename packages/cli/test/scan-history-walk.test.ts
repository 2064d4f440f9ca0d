import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { historySource, type HistoryOptions } from '@keyward/sources/history';
import { createRepo, fakeKey, GIT_ENV, tempDir, type TempRepo } from '@keyward/test-utils';
import type * as Pipeline from '../src/scan/pipeline.js';

// Workers start from the build: the pipeline is imported from dist/ (its workers load dist/scan/worker.js).
const { runPipeline } = (await import('../dist/scan/pipeline.js')) as typeof Pipeline;

/**
 * Issue 18: a history audit walks the history (`rev-list --objects --in-commit-order …`) only when it has
 * something to attribute. With no finding, git's connectivity check (`rev-list --objects --quiet`) is the
 * only pass over the trees; the first finding starts the walk, in this thread or on workers.
 */
const KEY = fakeKey('openai-project', 831);

function history(withKey: boolean): TempRepo {
  const r = createRepo();
  const line = (i: number, n: number) => `export const value_${i}_${n} = compute(${n}, "${i}");\n`;
  for (let i = 0; i < 12; i++) {
    const text = Array.from({ length: 200 }, (_, n) => line(i, n)).join('');
    r.commit(`module ${i}`, { [`src/module-${i % 4}.ts`]: text });
    if (withKey && i === 3) r.commit('config', { 'config.env': `OPENAI_API_KEY=${KEY}\n` });
  }
  return r;
}

let clean: TempRepo;
let keyed: TempRepo;
let traces: string;
let traced = 0;

beforeAll(() => {
  clean = history(false);
  keyed = history(true);
  traces = tempDir();
});
afterAll(() => {
  clean?.cleanup();
  keyed?.cleanup();
  if (traces) rmSync(traces, { recursive: true, force: true });
});

/** Scans with `jobs` threads, GIT_TRACE on: the findings, how often the source was told of one, and git's trace. */
async function scan(r: TempRepo, jobs: number, more: Partial<HistoryOptions> = {}) {
  const file = join(traces, `trace-${traced++}`);
  const source = historySource({ cwd: r.dir, env: { ...process.env, ...GIT_ENV, GIT_TRACE: file }, ...more });
  let told = 0;
  const found = source.found!.bind(source);
  source.found = () => {
    told++;
    found();
  };
  const result = await runPipeline(source, createScanner(RULES), { jobs, rules: RULES, inlineAllow: true });
  const trace = existsSync(file) ? readFileSync(file, 'utf8') : '';
  rmSync(file, { force: true });
  return { result, told, trace };
}

const checked = (trace: string) => /rev-list --objects --quiet/.test(trace);
const walked = (trace: string) => /rev-list --objects --in-commit-order/.test(trace);

const WAYS: Array<[string, number, Partial<HistoryOptions>]> = [
  ['in this thread, unlisted', 1, {}],
  ['in this thread, listed', 1, { unlistedPackBytes: 0 }],
  ['on workers', 2, { unlistedPackBytes: 0, parallelMinBytes: 0 }],
];

describe('scan --history walks only what needs attributing', () => {
  it.each(WAYS)('%s: no finding, no walk; git checks the store is whole', async (_way, jobs, more) => {
    const { result, told, trace } = await scan(clean, jobs, more);
    expect(result.findings).toEqual([]);
    expect(result.stats.blobs).toBeGreaterThanOrEqual(4);
    expect(result.source.incomplete).toBeFalsy();
    expect(told).toBe(0);
    expect(checked(trace)).toBe(true);
    expect(walked(trace)).toBe(false);
  });

  it.each(WAYS)('%s: the first finding starts the walk, which attributes it', async (_way, jobs, more) => {
    const { result, told, trace } = await scan(keyed, jobs, more);
    expect(told).toBe(1);
    expect(walked(trace)).toBe(true);
    const introduced = keyed.git('log', '--format=%H', '--diff-filter=A', '--', 'config.env');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      secret: KEY,
      path: 'config.env',
      commit: introduced,
      reachable: true,
      presentAtHead: true,
    });
  });

  it('a missing object with no finding: the failed check sends it to the walk, which names the object', async () => {
    const broken = history(false);
    try {
      const blob = broken.git('rev-parse', 'HEAD~5:src/module-2.ts');
      rmSync(join(broken.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const { result, trace } = await scan(broken, 1);
      expect(result.findings).toEqual([]);
      expect(checked(trace) && walked(trace)).toBe(true);
      expect(result.source).toMatchObject({ incomplete: true, missing: { ids: [blob], count: 1 } });
    } finally {
      broken.cleanup();
    }
  });
});
