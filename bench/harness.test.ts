import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey as testUtilsFakeKey, tempDir } from '@keyward/test-utils';
// The bench is plain .mjs (Node 20, no build step); nothing type-checks bench/, vitest only runs it.
import { FAKE_KEY_KINDS, fakeKey } from './lib/keys.mjs';
import { generatePart } from './lib/corpus/generate.mjs';
import { Lines } from './lib/corpus/files.mjs';
import { comparePlanted } from './lib/findings.mjs';

interface Planted {
  path: string;
  line: number;
  column: number;
  kind: string;
  ruleId?: string;
  last4: string;
  length: number;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) execFileSync('rm', ['-rf', d]);
});

function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of files) hash.update(f.slice(dir.length)).update(readFileSync(f));
  return hash.digest('hex');
}

describe('bench fake keys', () => {
  it('match test-utils fakeKey for every kind and seed', () => {
    for (const kind of FAKE_KEY_KINDS as string[]) {
      for (const seed of [1, 2, 99, 123_456]) {
        expect(fakeKey(kind, seed)).toBe(
          testUtilsFakeKey(kind as Parameters<typeof testUtilsFakeKey>[0], seed),
        );
      }
    }
  });
});

interface Part {
  files: number;
  bytes: number;
  planted: Planted[];
  decoys: Planted[];
}

describe('working-tree corpus generator', () => {
  let a: string;
  let b: string;
  let first: Part;
  let second: Part;
  beforeAll(() => {
    a = tempDir('keyward-bench-');
    b = tempDir('keyward-bench-');
    dirs.push(a, b);
    first = generatePart(join(a, 'part'), 3, 2);
    second = generatePart(join(b, 'part'), 3, 2);
  });

  it('is deterministic: same seed, same files and same planted keys', () => {
    expect(treeDigest(join(a, 'part'))).toBe(treeDigest(join(b, 'part')));
    expect(second.planted).toEqual(first.planted);
    expect(second.files).toBe(first.files);
  });

  it('plants each recorded key at its line and column, and nowhere else', () => {
    expect(first.bytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(first.planted.length).toBeGreaterThanOrEqual(8);
    for (const p of [...first.planted, ...first.decoys]) {
      const line = readFileSync(join(a, 'part', p.path), 'utf8').split('\n')[p.line - 1] ?? '';
      const key = line.slice(p.column - 1, p.column - 1 + p.length);
      expect(key.endsWith(p.last4)).toBe(true);
      expect(key).toMatch(/^(sk-|gsk_)/);
    }
    // Every OpenAI key carries the marker; the corpus holds exactly the planted ones.
    const marker = ['T3Bl', 'bkFJ'].join('');
    const grep = spawnSync('grep', ['-rc', marker, join(a, 'part')], { encoding: 'utf8' });
    const hits = grep.stdout
      .split('\n')
      .filter(Boolean)
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
    expect(hits).toBe(first.planted.filter((p) => p.kind.startsWith('openai-')).length);
  });
});

describe('Lines', () => {
  it('keeps one entry per physical line, so an index + 1 is a line number', () => {
    const w = new Lines();
    w.push('import (\n\t"fmt"\n)');
    w.push('x');
    expect(w.lines).toEqual(['import (', '\t"fmt"', ')', 'x']);
    expect(w.bytes).toBe('import (\n\t"fmt"\n)\nx\n'.length);
  });
});

describe('comparePlanted', () => {
  const planted = [
    { path: 'a.ts', line: 3, ruleId: 'openai-project-key' },
    { path: 'b.py', line: 1, rulePrefix: 'anthropic-' },
    { path: 'c.go', line: 9, ruleId: 'openai-admin-key' },
  ];
  const decoys = [{ path: 'd.env', line: 2 }];

  it('counts found, missing, wrong-rule, decoy and extra findings', () => {
    const result = comparePlanted(
      [
        { path: './a.ts', line: 3, ruleId: 'openai-project-key' },
        { path: '/root/x/b.py', line: 1, ruleId: 'anthropic-api-key' },
        { path: 'c.go', line: 9, ruleId: 'generic-secret' },
        { path: 'd.env', line: 2, ruleId: 'openai-legacy-key' },
        { path: 'e.md', line: 5, ruleId: 'generic-secret' },
      ],
      { planted, decoys },
      '/root/x',
    );
    expect(result.found).toBe(2);
    expect(result.missing).toEqual([]);
    expect(result.wrongRule.map((w: { path: string }) => w.path)).toEqual(['c.go']);
    expect(result.decoyViolations.map((d: { path: string }) => d.path)).toEqual(['d.env']);
    expect(result.extras.map((e: { path: string }) => e.path)).toEqual(['e.md']);
  });
});

const hasRg = spawnSync('sh', ['-c', 'command -v rg'], { stdio: 'ignore' }).status === 0;

// End to end, at smoke size: the harness runs, ripgrep is measured, keyward finds every planted key.
describe.runIf(hasRg)('pnpm bench worktree --quick', () => {
  it('writes results with measured rows and the recall target', () => {
    const dir = tempDir('keyward-bench-run-');
    dirs.push(dir);
    const json = join(dir, 'results.json');
    const run = spawnSync(
      process.execPath,
      ['bench/run.mjs', 'worktree', '--quick', '--size', '2', '--no-scale', '--no-install', '--json', json],
      {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, KEYWARD_BENCH_DIR: dir },
        encoding: 'utf8',
      },
    );
    expect(run.stderr).not.toMatch(/the bench itself failed/);
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    const worktree = results.benches.worktree;
    expect(worktree.rows[0].label).toMatch(/^rg -j1/);
    expect(worktree.rows[0].ok).toBe(true);
    expect(worktree.rows[0].mbps).toBeGreaterThan(0);
    const recall = worktree.targets.find((t: { name: string }) => t.name.startsWith('recall'));
    expect(recall.pass).toBe(true);
  }, 60_000);
});
