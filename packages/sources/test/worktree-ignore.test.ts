import { readdirSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rng, tempDir } from '@keyward/test-utils';
import { IgnoreStack, VENDOR_DIRS } from '../src/ignore-rules.js';
import { newSourceStats } from '../src/source.js';
import { listWorktree } from '../src/worktree.js';
import { drawPatterns, growTree } from './random-tree.js';

const NAMES = [
  'a',
  'b',
  'build',
  'Build',
  'out',
  'x.o',
  'y.log',
  'keep.log',
  'doc',
  'src',
  'tmp',
  'node_modules',
];
const PATTERNS = [
  ...['build/', 'out', '*.o', '*.log', '/a', 'b/', 'doc/out', '/src/x.o', 'tmp', 'a/b', '*.[ol]og'],
  ...['**/out', 'src/**', 'b?', '[ab]', 'y.*', '/doc/', 'BUILD'],
];
const NEGATIONS = ['!keep.log', '!build/', '!/a', '!x.o', '!b'];

/** The files a walk must list: every path judged whole against every ignore file above it, as IgnoreStack.ignores does. */
function reference(root: string, ignorePaths: { baseDir: string; patterns: string[] }): string[] {
  const out: string[] = [];
  const stack = new IgnoreStack();
  stack.addPatterns(ignorePaths.baseDir, ignorePaths.patterns);
  const visit = (dir: string, shown: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const added = stack.enter(dir, new Set(entries.map((e) => e.name)));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const abs = dir + sep + entry.name;
      const rel = shown === '' ? entry.name : `${shown}/${entry.name}`;
      const isDir = entry.isDirectory();
      if ((isDir && VENDOR_DIRS.includes(entry.name)) || stack.ignores(abs, isDir)) continue;
      if (isDir) visit(abs, rel);
      else out.push(rel);
    }
    stack.leave(added);
  };
  visit(root, '');
  return out;
}

describe('the working-tree walk with ignore files', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lists what judging every path whole lists, on 150 random trees with nested ignore files', () => {
    const next = rng(1818);
    const draw = {
      next,
      names: NAMES,
      patterns: PATTERNS,
      negations: NEGATIONS,
      maxPatterns: 4,
      ignoreFileChance: 0.4,
    };
    const patterns = () => drawPatterns(draw);
    let listed = 0;
    let skipped = 0;
    for (let round = 0; round < 150; round++) {
      const root = tempDir('keyward-walk-');
      dirs.push(root);
      growTree(root, draw);
      // Config patterns from the root, and from a folder above it when the walk starts below (a named path).
      const start =
        next() < 0.3
          ? (readdirSync(root, { withFileTypes: true }).find((e) => e.isDirectory())?.name ?? '')
          : '';
      const ignorePaths = { baseDir: root, patterns: next() < 0.5 ? patterns().trim().split('\n') : [] };
      // A named folder the config ignores: its files are judged by the folders above the walk too.
      if (start !== '' && next() < 0.3) ignorePaths.patterns.push(next() < 0.5 ? `${start}/` : `/${start}`);
      const walked = join(root, start);
      const stats = newSourceStats();
      const listedNow = listWorktree({ cwd: walked, maxFileSize: 1 << 20, ignorePaths }, stats).map(
        (f) => f.shown,
      );
      const expected = reference(walked, ignorePaths);
      expect({ round, files: listedNow }).toEqual({ round, files: expected });
      listed += expected.length;
      skipped += stats.skipped.ignored;
    }
    // Both answers are drawn: files listed and entries ignored.
    expect(listed).toBeGreaterThan(500);
    expect(skipped).toBeGreaterThan(300);
  });
});
