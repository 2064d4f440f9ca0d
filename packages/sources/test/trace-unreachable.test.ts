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
