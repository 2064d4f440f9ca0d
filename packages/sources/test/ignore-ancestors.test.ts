import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRepo, rng, tempDir, type TempRepo } from '@keyward/test-utils';
import { newSourceStats } from '../src/source.js';
import { listWorktree } from '../src/worktree.js';
import { drawPatterns, growTree } from './random-tree.js';

/** The files a walk from `cwd` lists, as reported (relative to `cwd`). */
const listed = (cwd: string, useIgnore = true) =>
  listWorktree({ cwd, maxFileSize: 1 << 20, useIgnore }, newSourceStats())
    .map((f) => f.shown)
    .sort();

describe('a walk below the top of a work tree', () => {
  let repo: TempRepo;
  afterEach(() => repo.cleanup());

  it("applies the ignore files of the folders above it and the top's info/exclude", () => {
    repo = createRepo();
    repo.write({
      '.gitignore': '*.env\n/packages/api/anchored.txt\n',
      '.keywardignore': 'fixtures/\n',
      'packages/.gitignore': 'secret.txt\n',
      'packages/api/.env': 'x\n',
      'packages/api/anchored.txt': 'x\n',
      'packages/api/secret.txt': 'x\n',
      'packages/api/excluded.bin': 'x\n',
      'packages/api/fixtures/key.txt': 'x\n',
      'packages/api/src/index.ts': 'x\n',
      'packages/api/src/local.env': 'x\n',
    });
    writeFileSync(join(repo.dir, '.git', 'info', 'exclude'), '*.bin\n');
    const api = join(repo.dir, 'packages', 'api');
    expect(listed(api)).toEqual(['src/index.ts']);
    // From the top, the same files under that folder.
    expect(listed(repo.dir).filter((p) => p.startsWith('packages/api/'))).toEqual([
      'packages/api/src/index.ts',
    ]);
    // --no-ignore: every file.
    expect(listed(api, false)).toHaveLength(7);
  });

  it('keeps what a deeper `!` pattern above the walk re-includes', () => {
    repo = createRepo();
    repo.write({ '.gitignore': '*.log\n', 'app/.gitignore': '!keep.log\n', 'app/src/keep.log': 'x\n' });
    repo.write({ 'app/src/drop.log': 'x\n', 'app/src/main.c': 'x\n' });
    expect(listed(join(repo.dir, 'app', 'src'))).toEqual(['keep.log', 'main.c']);
  });

  it('scans a folder named on the command line that the ignore files above it ignore, by its own rules', () => {
    repo = createRepo();
    repo.write({ '.gitignore': 'dist/\n*.env\n', 'dist/app.js': 'x\n', 'dist/.gitignore': '*.map\n' });
    repo.write({ 'dist/app.js.map': 'x\n', 'dist/prod.env': 'x\n' });
    // As ripgrep does: `keyward scan dist` is a request to scan the build output.
    expect(listed(join(repo.dir, 'dist'))).toEqual(['.gitignore', 'app.js', 'prod.env']);
    expect(listed(repo.dir)).toEqual(['.gitignore']);
  });

  it('reads no ignore file above a folder that is not in a work tree', () => {
    const root = tempDir();
    try {
      mkdirSync(join(root, 'sub'));
      writeFileSync(join(root, '.gitignore'), '*.env\n');
      writeFileSync(join(root, 'sub', 'local.env'), 'x\n');
      expect(listed(join(root, 'sub'))).toEqual(['local.env']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a worktree or submodule (`.git` as a file) is a top of its own', () => {
    repo = createRepo();
    repo.write({
      '.gitignore': '*.env\n',
      'vendor/lib/.git': 'gitdir: elsewhere\n',
      'vendor/lib/a.env': 'x\n',
    });
    repo.write({ 'vendor/lib/src/b.env': 'x\n' });
    expect(listed(join(repo.dir, 'vendor', 'lib', 'src'))).toEqual(['b.env']);
  });
});

const NAMES = ['a', 'b', 'build', 'out', 'x.o', 'y.log', 'keep.log', 'doc', 'src', '.env', 'node_modules'];
const PATTERNS = [
  'build/',
  'out',
  '*.o',
  '*.log',
  '/a',
  'b/',
  'doc/out',
  '/src/x.o',
  'a/b',
  '**/out',
  '.env',
];
const NEGATIONS = ['!keep.log', '!build/', '!/a', '!x.o'];

describe('a walk from any folder of a work tree', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the files a walk from the top lists beneath it, on 40 random trees', () => {
    const next = rng(2718);
    const draw = {
      next,
      names: NAMES,
      patterns: PATTERNS,
      negations: NEGATIONS,
      maxPatterns: 3,
      ignoreFileChance: 0.45,
    };
    let compared = 0;
    for (let round = 0; round < 40; round++) {
      const repo = createRepo();
      dirs.push(repo.dir);
      growTree(repo.dir, draw);
      if (next() < 0.3) writeFileSync(join(repo.dir, '.git', 'info', 'exclude'), drawPatterns(draw));
      const fromTop = listed(repo.dir);
      // Every folder the top's walk enters (it holds a listed file), walked on its own.
      const folders = new Set(fromTop.flatMap((p) => foldersOf(p)));
      for (const folder of folders) {
        const below = fromTop
          .filter((p) => p.startsWith(`${folder}/`))
          .map((p) => p.slice(folder.length + 1));
        expect({ round, folder, files: listed(join(repo.dir, ...folder.split('/'))) }).toEqual({
          round,
          folder,
          files: below,
        });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(60);
  });
});

/** `a/b/c.txt` → `a`, `a/b`. */
function foldersOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}
