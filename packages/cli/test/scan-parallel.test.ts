import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey, tempDir } from '@keyward/test-utils';
import { recordBundleReads } from './bundle-reads.js';

// Workers run from the build (dist/): this test spawns the real bin, as users do.
const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));

let dir: string;
const keys: string[] = [];
beforeAll(() => {
  dir = tempDir();
  for (let i = 0; i < 600; i++) {
    const folder = join(dir, `pkg${i % 17}`);
    mkdirSync(folder, { recursive: true });
    let text = `export const value${i} = ${i};\n// token handling for module ${i}\n`.repeat(20);
    if (i % 97 === 0) {
      const key = fakeKey(i % 2 ? 'openai-project' : 'openai-admin', 300 + i);
      keys.push(key);
      text += `const key = "${key}";\n`;
    }
    writeFileSync(join(folder, `file${i}.ts`), text);
  }
  writeFileSync(join(dir, 'blob.bin'), new Uint8Array([0, 1, 2, 3]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scan(
  jobs: number,
  execArgv: string[] = [],
  target = '.',
): {
  code: number;
  report: { findings: Array<{ path: string; line: number; secret: string }>; scan: { files: number } };
  stderr: string;
} {
  try {
    const stdout = execFileSync(
      process.execPath,
      [...execArgv, BIN, 'scan', target, '--jobs', String(jobs), '--format', 'json', '--reveal'],
      {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return { code: 0, report: JSON.parse(stdout), stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, report: JSON.parse(e.stdout), stderr: e.stderr };
  }
}

describe('parallel working-tree scan', () => {
  it('finds the same keys in the same order with 1, 2 and 4 workers, and counts skips', () => {
    const one = scan(1);
    expect(one.code).toBe(1);
    expect(one.report.findings.map((f) => f.secret).sort()).toEqual([...keys].sort());
    for (const jobs of [2, 4]) {
      const many = scan(jobs);
      expect(many.code).toBe(1);
      expect(many.report.findings).toEqual(one.report.findings);
      expect(many.report.scan.files).toBe(600);
      expect(many.stderr).toMatch(/1 binary/);
    }
  });

  it('starts worker threads from the bundle with --jobs 2, and none with --jobs 1', () => {
    const reads = recordBundleReads(tempDir());
    expect(scan(1, reads.execArgv).code).toBe(1);
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(false);
    expect(scan(2, reads.execArgv).code).toBe(1);
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(true);
  });

  it('scans a tree too small for workers in this thread, every file of it, after the walk that found so', () => {
    // pkg0..pkg3 hold 36 files each: 144 files, under the 256 that start workers.
    const small = ['pkg0', 'pkg1', 'pkg2', 'pkg3'];
    const reads = recordBundleReads(tempDir());
    const parts = small.map((folder) => scan(2, reads.execArgv, folder));
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(false);
    expect(parts.map((p) => p.report.scan.files)).toEqual([36, 36, 36, 36]);
    for (const [i, folder] of small.entries()) {
      const alone = scan(1, [], folder).report;
      expect(parts[i]!.report.findings).toEqual(alone.findings);
      expect({ ...parts[i]!.report.scan, durationMs: 0 }).toEqual({ ...alone.scan, durationMs: 0 });
    }
  });
});
