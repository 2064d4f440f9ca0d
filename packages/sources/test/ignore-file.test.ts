import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { rng } from '@keyward/test-utils';
import { compileIgnoreFile, type IgnoreVerdict } from '../src/ignore-file.js';

/** What the `ignore` package alone says: the meaning compileIgnoreFile must keep. */
function libraryVerdict(patterns: string[], rel: string, isDir: boolean) {
  const result = ignore()
    .add(patterns)
    .test(isDir ? `${rel}/` : rel);
  return result.ignored ? 'ignored' : result.unignored ? 'unignored' : undefined;
}

const NAMES = [
  ...['build', 'Build', 'out', 'a', 'b', 'x.o', 'y.O', 'lib.a', 'git-add', 'doc', '.env', 'c+', 'z~'],
  ...['m.py', 'm.pyc', 'M.PYO', 'git.1', 'git.9', 'git-core-x', 'trash dir', 'foo', 'cmds-a.adoc'],
];
const PATTERNS = [
  ...NAMES,
  ...NAMES.map((n) => `${n}/`),
  ...NAMES.map((n) => `/${n}`),
  ...['*.o', '*.A', '*+', '*~', '*.tar.gz', '*.o/', '*env'],
  ...['doc/out', '/doc/out/', 'a/b', 'a/b/', 'b/x.o'],
  // For `ignore` to judge: wildcards, escapes, spaces, dot segments, negations, comments.
  ...['a*', 'b?', '[ab]', '**/out', 'doc/**', '\\#x', 'x.o ', './a', 'a/../b', '#build', '', '*', '/'],
  // Brackets expanded into plain patterns, and complex ones asked only when their text is in the path.
  ...['*.[aos]', '*.py[co]', '*.[1-8]', '[Bb]uild/', '*.[!o]', '*.[a-z]', '/git-core-*/?*', '**/foo'],
  ...['/trash dir*', 'cmds-*.adoc', 'doc/**/out', 'a/**', '*/b', '\ufeff!foo', '\ufeffbuild'],
];
const NEGATIONS = ['!x.o', '!build/', '!/doc/out', '!*.A'];

/** A verdict as expected, the case that gave it shown beside it when it is not. */
function expectVerdict(context: object, verdict: IgnoreVerdict, expected: IgnoreVerdict): void {
  expect({ ...context, verdict }).toEqual({ ...context, verdict: expected });
}

function randomPath(next: () => number): { rel: string; isDir: boolean } {
  const depth = 1 + Math.floor(next() * 4);
  const parts = Array.from({ length: depth }, () => NAMES[Math.floor(next() * NAMES.length)]!);
  return { rel: parts.join('/'), isDir: next() < 0.3 };
}

describe('compiled ignore files', () => {
  it('give the `ignore` package’s verdict on 20,000 random pattern sets and paths', () => {
    const next = rng(18);
    let ignored = 0;
    for (let round = 0; round < 2000; round++) {
      const count = 1 + Math.floor(next() * 8);
      const patterns = Array.from({ length: count }, () => PATTERNS[Math.floor(next() * PATTERNS.length)]!);
      if (next() < 0.2) patterns.push(NEGATIONS[Math.floor(next() * NEGATIONS.length)]!);
      const compiled = compileIgnoreFile(patterns);
      for (let i = 0; i < 10; i++) {
        const { rel, isDir } = randomPath(next);
        const expected = libraryVerdict(patterns, rel, isDir);
        if (expected === 'ignored') ignored++;
        expectVerdict({ patterns, rel, isDir }, compiled.test(rel, isDir), expected);
      }
    }
    // The draw exercises both answers, not only "not ignored".
    expect(ignored).toBeGreaterThan(4000);
    expect(ignored).toBeLessThan(16000);
  });

  it('read a file’s text: comments, CRLF line ends, names, suffixes, anchored paths and the rest', () => {
    const rules = compileIgnoreFile('# built\r\n*.o\r\n/git-add\nbuild/\ndoc/out\n**/tmp\n');
    expect(rules.test('src/x.o', false)).toBe('ignored');
    expect(rules.test('git-add', false)).toBe('ignored');
    expect(rules.test('sub/git-add', false)).toBeUndefined();
    expect(rules.test('build', false)).toBeUndefined();
    expect(rules.test('build', true)).toBe('ignored');
    expect(rules.test('src/build/main.c', false)).toBe('ignored');
    expect(rules.test('doc/out/x.html', false)).toBe('ignored');
    expect(rules.test('a/doc/out', false)).toBeUndefined();
    expect(rules.test('a/tmp/f', false)).toBe('ignored');
    expect(rules.test('# built', false)).toBeUndefined();
    expect(rules.test('src/main.c', false)).toBeUndefined();
  });

  it('read text and lists alike, byte-order mark and CR line ends included', () => {
    const next = rng(19);
    for (let round = 0; round < 500; round++) {
      const count = 1 + Math.floor(next() * 6);
      const patterns = Array.from({ length: count }, () => PATTERNS[Math.floor(next() * PATTERNS.length)]!);
      const text =
        (next() < 0.3 ? '\ufeff' : '') +
        patterns.join(next() < 0.5 ? '\r\n' : '\n') +
        (next() < 0.3 ? '\r' : '');
      const fromText = compileIgnoreFile(text);
      const fromList = compileIgnoreFile(patterns);
      for (let i = 0; i < 10; i++) {
        const { rel, isDir } = randomPath(next);
        const byText = ignore()
          .add(text)
          .test(isDir ? `${rel}/` : rel);
        expect({ text, rel, verdict: fromText.test(rel, isDir) }).toEqual({
          text,
          rel,
          verdict: byText.ignored ? 'ignored' : byText.unignored ? 'unignored' : undefined,
        });
        expect({ patterns, rel, verdict: fromList.test(rel, isDir) }).toEqual({
          patterns,
          rel,
          verdict: libraryVerdict(patterns, rel, isDir),
        });
      }
    }
  });

  it('judge an entry of a folder not ignored (testChild) as they judge its whole path, folder after folder', () => {
    const next = rng(20);
    // Runs of text that hold a `/` (`doc/o`), that lie in a folder's name (`git-core-`) or in an entry's.
    const more = ['doc/o*', 'a/b*', 'git-core-*/x*', '*/trash dir', 'c+/?'];
    let asked = 0;
    let ignored = 0;
    for (let round = 0; round < 1500; round++) {
      const count = 1 + Math.floor(next() * 8);
      const pool = [...PATTERNS, ...more];
      const patterns = Array.from({ length: count }, () => pool[Math.floor(next() * pool.length)]!);
      const compiled = compileIgnoreFile(patterns);
      // A walk's order: folders one after another, each asked about several entries in a row.
      for (let f = 0; f < 4; f++) {
        // The folders anchored paths and runs of text name (`doc/out`, `a/b`, `git-core-*/x*`), and others.
        const named = ['', '', 'doc', 'a', 'b', 'a/b', 'git-core-x', 'doc/out', 'Doc'];
        const folder = next() < 0.6 ? named[Math.floor(next() * named.length)]! : randomPath(next).rel;
        const parts = folder === '' ? [] : folder.split('/');
        const clean = parts.every(
          (_, i) => compiled.test(parts.slice(0, i + 1).join('/'), true) === undefined,
        );
        if (!clean) continue;
        for (let e = 0; e < 5; e++) {
          const name = NAMES[Math.floor(next() * NAMES.length)]!;
          const isDir = next() < 0.3;
          const rel = folder === '' ? name : `${folder}/${name}`;
          const expected = compiled.test(rel, isDir);
          asked++;
          if (expected === 'ignored') ignored++;
          expectVerdict({ patterns, folder, name, isDir }, compiled.testChild(folder, name, isDir), expected);
        }
      }
    }
    expect(asked).toBeGreaterThan(10_000);
    expect(ignored).toBeGreaterThan(2_000);
  });

  it('leave a file with `!` patterns to the `ignore` package, in order', () => {
    const rules = compileIgnoreFile(['*.env', '!example.env']);
    expect(rules.test('prod.env', false)).toBe('ignored');
    expect(rules.test('example.env', false)).toBe('unignored');
  });
});
