import { afterEach, describe, expect, it } from 'vitest';
import { keyTimeline, type TimelineKey } from '@keyward/sources/history/timeline';
import { fakeKey, GIT_ENV, runCli, type TempRepo, Scratch } from '@keyward/test-utils';

const K1 = fakeKey('openai-project', 701);
const K2 = fakeKey('anthropic', 702);

const scratch = new Scratch();
afterEach(() => scratch.clear());

interface Fixture {
  r: TempRepo;
  c: Record<string, string>;
}

/**
 * main: K1 added, edited, moved, removed, added again in another file; feature (from the edit): K2 in two
 * files, then removed from one; feature merged into main.
 */
function fixture(): Fixture {
  const r = scratch.repo();
  const c: Record<string, string> = {};
  c.add = r.commit('add', { '.env': `KEY=${K1}\n` }, '2026-01-02T00:00:00Z');
  c.edit = r.commit('edit', { '.env': `KEY=${K1}\nMORE=1\n` }, '2026-01-03T00:00:00Z');
  r.git('branch', 'feature');
  r.git('mv', '.env', 'config.env');
  c.move = r.commit('move', {}, '2026-01-04T00:00:00Z');
  c.remove = r.commit('remove', { 'config.env': 'KEY=\nMORE=1\n' }, '2026-01-05T00:00:00Z');
  c.again = r.commit('again', { 'again.txt': `${K1}\n` }, '2026-01-06T00:00:00Z');
  r.git('checkout', '-q', 'feature');
  c.two = r.commit('two files', { 'a.txt': `${K2}\n`, 'b.txt': `${K2}\n` }, '2026-01-07T00:00:00Z');
  c.one = r.commit('one file', { 'a.txt': 'gone\n' }, '2026-01-08T00:00:00Z');
  r.git('checkout', '-q', 'main');
  c.merge = r.merge('feature', 'merge', '2026-01-09T00:00:00Z');
  return { r, c };
}

/** The keys of a real history scan, as the HTML report follows them. */
async function scannedKeys(r: TempRepo): Promise<{ keys: TimelineKey[]; idOf: Map<string, string> }> {
  const result = await runCli(['scan', '--history', '--format', 'json', '--reveal'], {
    cwd: r.dir,
    env: GIT_ENV,
  });
  const findings = (JSON.parse(result.stdout) as { findings: Array<Record<string, string>> }).findings;
  const byKey = new Map<string, TimelineKey>();
  const idOf = new Map<string, string>();
  for (const f of findings) {
    const key = byKey.get(f.fingerprint!) ?? { id: f.fingerprint!, occurrences: [] };
    key.occurrences.push({ commit: f.commit!, path: f.path! });
    byKey.set(f.fingerprint!, key);
    idOf.set(f.secret!, f.fingerprint!);
  }
  return { keys: [...byKey.values()], idOf };
}

describe('keyTimeline', () => {
  it("follows each key along each branch's first-parent line: moves, removals, re-adds, merges", async () => {
    const { r, c } = fixture();
    const { keys, idOf } = await scannedKeys(r);
    const timeline = await keyTimeline({ cwd: r.dir, env: GIT_ENV }, keys);
    expect(timeline.branches.map((b) => b.name)).toEqual(['main', 'feature']);
    expect(timeline.unresolved).toBe(0);
    const brief = (id: string) =>
      timeline.keys.get(id)!.map((span) => ({
        branch: span.branch,
        presentAtTip: span.presentAtTip,
        events: span.events.map((e) => [e.kind, e.commit, e.path]),
      }));
    expect(brief(idOf.get(K1)!)).toEqual([
      {
        branch: 'main',
        presentAtTip: true,
        events: [
          ['added', c.add, '.env'],
          // The move changes nothing: the key is still there, under another name.
          ['removed', c.remove, 'config.env'],
          ['added', c.again, 'again.txt'],
        ],
      },
      { branch: 'feature', presentAtTip: true, events: [['added', c.add, '.env']] },
    ]);
    expect(brief(idOf.get(K2)!)).toEqual([
      // On main the key arrives with the merge; removing it from one of two files leaves it present.
      {
        branch: 'main',
        presentAtTip: true,
        events: [['added', c.merge, expect.stringMatching(/^[ab]\.txt$/)]],
      },
      {
        branch: 'feature',
        presentAtTip: true,
        events: [['added', c.two, expect.stringMatching(/^[ab]\.txt$/)]],
      },
    ]);
    const removed = timeline.keys.get(idOf.get(K1)!)![0]!.events[1]!;
    expect(removed).toMatchObject({ author: 'Ada Tester', date: '2026-01-05T00:00:00+00:00' });
  });

  it('follows at most maxBranches branches, newest tips first, and counts the rest', async () => {
    const { r } = fixture();
    const { keys } = await scannedKeys(r);
    const timeline = await keyTimeline({ cwd: r.dir, env: GIT_ENV }, keys, { maxBranches: 1 });
    expect(timeline.branches.map((b) => b.name)).toEqual(['main']);
    expect(timeline.omittedBranches).toBe(1);
    for (const spans of timeline.keys.values()) expect(spans.map((s) => s.branch)).toEqual(['main']);
  });

  it('follows the remote-tracking branches that no local branch stands for (a CI clone)', async () => {
    const { r, c } = fixture();
    const { keys, idOf } = await scannedKeys(r);
    const clone = scratch.repo();
    clone.git('remote', 'add', 'origin', r.dir);
    clone.git('fetch', '-q', 'origin');
    clone.git('checkout', '-q', '-b', 'main', 'origin/main');
    clone.git('remote', 'set-head', 'origin', 'main');
    const timeline = await keyTimeline({ cwd: clone.dir, env: GIT_ENV }, keys);
    expect(timeline.branches.map((b) => b.name)).toEqual(['main', 'origin/feature']);
    expect(timeline.keys.get(idOf.get(K2)!)!.map((span) => [span.branch, span.events[0]!.commit])).toEqual([
      ['main', c.merge],
      ['origin/feature', c.two],
    ]);
  });

  it("counts occurrences whose commits are not in the repository (another repository's report)", async () => {
    const { r } = fixture();
    const { keys } = await scannedKeys(r);
    const other = scratch.repo();
    other.commit('unrelated', { 'x.txt': 'x\n' });
    const timeline = await keyTimeline({ cwd: other.dir, env: GIT_ENV }, keys);
    expect(timeline.unresolved).toBe(keys.reduce((n, k) => n + k.occurrences.length, 0));
    expect(timeline.keys.size).toBe(0);
  });
});
