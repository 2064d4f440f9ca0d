import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey, tempDir } from '@keyward/test-utils';
import { recordBundleReads } from './bundle-reads.js';

// Workers run from the build (dist/): this test spawns the real bin, as users do.
const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));

// Enough files for workers with --jobs 8 (parallelMinFiles: 2,341), too few with --jobs 2 (16,384).
const FILES = 2400;
let dir: string;
const keys: string[] = [];
beforeAll(() => {
  dir = tempDir();
  for (let i = 0; i < FILES; i++) {
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
  it('finds the same keys in the same order in one thread and with 8 and 16 jobs, and counts skips', () => {
    const one = scan(1);
    expect(one.code).toBe(1);
    expect(one.report.findings.map((f) => f.secret).sort()).toEqual([...keys].sort());
    for (const jobs of [8, 16]) {
      const many = scan(jobs);
      expect(many.code).toBe(1);
      expect(many.report.findings).toEqual(one.report.findings);
      expect(many.report.scan.files).toBe(FILES);
      expect(many.stderr).toMatch(/1 binary/);
    }
  });

  it('starts worker threads from the bundle when the tree is large enough for the jobs, and none else', () => {
    const reads = recordBundleReads(tempDir());
    expect(scan(1, reads.execArgv).code).toBe(1);
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(false);
    expect(scan(2, reads.execArgv).code).toBe(1);
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(false);
    expect(scan(8, reads.execArgv).code).toBe(1);
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(true);
  });

  it('scans a tree too small for workers in this thread, every file of it, after the walk that found so', () => {
    // pkg0..pkg3 hold 141-142 files each (2,400 over 17 folders), under the 2,341 that start workers with --jobs 8.
    const small = ['pkg0', 'pkg1', 'pkg2', 'pkg3'];
    const reads = recordBundleReads(tempDir());
    const parts = small.map((folder) => scan(8, reads.execArgv, folder));
    expect(reads.read().some((path) => path.endsWith('worker.cjs'))).toBe(false);
    expect(parts.map((p) => p.report.scan.files)).toEqual([142, 142, 142, 141]);
    for (const [i, folder] of small.entries()) {
      const alone = scan(1, [], folder).report;
      expect(parts[i]!.report.findings).toEqual(alone.findings);
      expect({ ...parts[i]!.report.scan, durationMs: 0 }).toEqual({ ...alone.scan, durationMs: 0 });
    }
  });

  // Linux file names are bytes; macOS and Windows refuse names that are not valid UTF-8.
  it.skipIf(process.platform !== 'linux')(
    'workers read a file whose folder and name are not valid UTF-8, as one thread does',
    () => {
      const folder = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])]);
      const file = Buffer.concat([folder, Buffer.from('/k'), Buffer.from([0xff]), Buffer.from('y.ts')]);
      const key = fakeKey('openai-project', 977);
      mkdirSync(folder);
      writeFileSync(file, `const key = "${key}";\n`);
      try {
        for (const jobs of [1, 8]) {
          const found = scan(jobs).report.findings.filter((f) => f.secret === key);
          expect({ jobs, paths: found.map((f) => f.path) }).toEqual({
            jobs,
            paths: ['caf\uFFFD/k\uFFFDy.ts'],
          });
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
