import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, type TempRepo } from '@keyward/test-utils';
import { historySource } from '../src/history.js';
import { traceAmong } from '../src/history/trace.js';
import { collect, ENV, findSecrets } from './helpers.js';

const KEY = fakeKey('openai-project', 901);
const SHARED = 'shared.txt';

/**
 * A pull request pushed twice: its first version (older, then a later fix-up on top) and its rebased
 * version (newer) each add the same blob, then the branches are deleted: all are unreachable, and so is
 * the blob. Parents-first order alone (topological) would meet the rebased commit first: the first
 * version's line has the newest tip.
 */
function rebasedPullRequest(): { r: TempRepo; first: string; second: string; base: string } {
  const r = createRepo();
  const base = r.commit('base', { 'README.md': 'hello\n', [SHARED]: 'shared\n' }, '2026-01-01T00:00:00Z');
  r.git('checkout', '-q', '-b', 'pr-v1');
  const first = r.commit('add config', { 'config.env': `KEY=${KEY}\n` }, '2026-01-02T00:00:00Z');
  r.commit('fix-up', { 'notes.txt': 'later\n' }, '2026-01-05T00:00:00Z');
  r.git('checkout', '-q', 'main');
  r.commit('main moves on', { 'other.txt': 'other\n' }, '2026-01-03T00:00:00Z');
  r.git('checkout', '-q', '-b', 'pr-v2');
  const second = r.commit('add config (rebased)', { 'config.env': `KEY=${KEY}\n` }, '2026-01-04T00:00:00Z');
  r.git('checkout', '-q', 'main');
  r.git('branch', '-D', 'pr-v1', 'pr-v2');
  return { r, first, second, base };
}

describe('tracing blobs no ref reaches', () => {
  let fx: ReturnType<typeof rebasedPullRequest>;
  beforeAll(() => {
    fx = rebasedPullRequest();
  });
  afterAll(() => fx.r.cleanup());

  it('credits the oldest unreachable commit that introduced the blob, at its path', async () => {
    const source = historySource({ cwd: fx.r.dir, env: ENV });
    const items = await collect(source);
    const [finding] = await source.resolve!(findSecrets(items, [KEY]));
    expect(finding).toMatchObject({
      path: 'config.env',
      commit: fx.first,
      author: 'Ada Tester',
      date: '2026-01-02T00:00:00+00:00',
      reachable: false,
      presentAtHead: false,
    });
  });

  it('leaves out what the excluded refs reach, and finds nothing for a blob they hold', async () => {
    const blob = fx.r.git('rev-parse', `${fx.second}:config.env`);
    const reachableBlob = fx.r.git('rev-parse', `${fx.base}:${SHARED}`);
    const found = await traceAmong(
      { cwd: fx.r.dir, env: ENV },
      [fx.second, fx.first],
      [blob, reachableBlob],
      ['--all'],
    );
    expect([...found.keys()]).toEqual([blob]);
    expect(found.get(blob)).toMatchObject({ commit: fx.first, path: 'config.env' });
    // Only the newer commit given: it is the one that introduced the blob among those.
    const alone = await traceAmong({ cwd: fx.r.dir, env: ENV }, [fx.second], [blob], ['--all']);
    expect(alone.get(blob)).toMatchObject({ commit: fx.second, date: '2026-01-04T00:00:00+00:00' });
  });
});

describe('the reachability walk credits each blob to the oldest commit that held it', () => {
  it('leaves refs to trees and blobs aside: their blobs reachable, with a path, no commit unless one held them', async () => {
    const r = createRepo();
    try {
      const base = r.commit('base', { 'a.txt': 'a\n' }, '2026-01-01T00:00:00Z');
      r.git('tag', '-a', '-m', 'v1', 'v1', base);
      r.git('tag', '-a', '-m', 'on a tag', 'v1-signed', 'v1'); // a tag on a tag on a commit
      // A tree only a tag names, holding one blob of its own and one a later commit also holds.
      r.write({ 'only-tree.txt': `${fakeKey('anthropic', 911)}\n`, 'both.txt': `${fakeKey('groq', 912)}\n` });
      r.git('add', 'only-tree.txt', 'both.txt');
      const tree = r.git('write-tree');
      r.git('reset', '-q');
      r.git('tag', 'tree-tag', tree);
      r.git('tag', '-a', '-m', 'tree', 'tree-annotated', tree);
      const later = r.commit('later', { 'both.txt': `${fakeKey('groq', 912)}\n` }, '2026-01-02T00:00:00Z');
      const source = historySource({ cwd: r.dir, env: ENV });
      const items = await collect(source);
      const findings = await source.resolve!(
        findSecrets(items, [fakeKey('anthropic', 911), fakeKey('groq', 912)]),
      );
      const byPath = new Map(findings.map((f) => [f.path, f]));
      expect(byPath.get('only-tree.txt')).toMatchObject({ reachable: true });
      expect(byPath.get('only-tree.txt')?.commit).toBeUndefined();
      expect(byPath.get('both.txt')).toMatchObject({ reachable: true, commit: later });
      expect(source.stats().commits).toBe(2);
    } finally {
      r.cleanup();
    }
  });
});
