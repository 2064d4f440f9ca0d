import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContentItem } from '@keyward/core';
import { createRepo, fakeKey, type TempRepo, Scratch } from '@keyward/test-utils';
import { BlockingCatFile, type VisitedObject } from '../src/git/blocking-cat-file.js';
import { makeFifos, removeStalePipeFolders } from '../src/git/fifos.js';
import { historySource, type HistoryOptions } from '../src/history.js';
import { readHistoryRun, RunReader, type RunTally } from '../src/history/runs.js';
import { newSourceStats } from '../src/source.js';
import type { HistoryWork, ScanSource } from '../src/source.js';
import { collect, ENV, type SeenItem, writeBlob } from './helpers.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

/**
 * A history with keys in several blobs, a binary blob, a blob larger than the reader's buffer (`big`),
 * an unreachable blob, and a side branch.
 */
function history(options: { big: boolean }): TempRepo {
  const r = createRepo();
  r.commit('one', {
    'a.env': `OPENAI_API_KEY=${fakeKey('openai-project', 701)}\n`,
    'bin.dat': Buffer.from([0, 1, 2, 3, 4]),
    ...(options.big
      ? { 'big.txt': `${'line of text\n'.repeat(500_000)}${fakeKey('anthropic', 702)}\n` }
      : {}),
  });
  r.commit('two', { 'a.env': 'OPENAI_API_KEY=\n', 'b.json': `{"k": "${fakeKey('groq', 703)}"}\n` });
  for (let i = 0; i < 30; i++) r.commit(`filler ${i}`, { [`f${i % 7}.txt`]: `value ${i}\n`.repeat(i + 1) });
  writeBlob(r, `unreachable ${fakeKey('xai', 704)}\n`);
  r.git('checkout', '-q', '-b', 'side', 'HEAD~20');
  r.commit('side', { 'side.txt': `${fakeKey('openrouter', 705)}\n` });
  return r;
}

/** The niceness of each `git cat-file` this process started (Linux: field 19 of /proc/<pid>/stat). */
function catFileNiceness(): number[] {
  const children = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of children) {
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces): state is field 3, ppid 4, nice 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) !== process.pid || !cmdline.includes('cat-file')) continue;
    found.push(Number(fields[16]));
  }
  return found;
}

describe('BlockingCatFile', () => {
  it('reads objects in request order through a named pipe, each whole, a missing one marked', async () => {
    const r = scratch.repo();
    const small = writeBlob(r, 'small\n');
    const empty = writeBlob(r, '');
    const large = Buffer.alloc(9 << 20, 'x'); // over the 4 MiB buffer: it grows
    large.write('end', large.length - 3);
    const big = writeBlob(r, large);
    const missing = 'f'.repeat(40);
    const fifos = await makeFifos(1);
    expect(fifos).toBeDefined();
    scratch.add(() => fifos!.remove());
    const reader = new BlockingCatFile(fifos!.paths[0]!);
    const seen: Array<[number, VisitedObject['status'], string]> = [];
    const ids = [small, missing, big, empty, small];
    await reader.read({ cwd: r.dir, env: ENV }, `${ids.join('\n')}\n`, ids.length, (i, object) => {
      const text = object.status === 'ok' ? Buffer.from(object.bytes).toString('latin1') : '';
      seen.push([i, object.status, text.length > 20 ? `${text.length}:${text.slice(-3)}` : text]);
    });
    expect(seen).toEqual([
      [0, 'ok', 'small\n'],
      [1, 'missing', ''],
      [2, 'ok', `${large.length}:end`],
      [3, 'ok', ''],
      [4, 'ok', 'small\n'],
    ]);
    reader.close();
    expect(readdirSync(dirname(fifos!.paths[0]!))).toEqual(['cat-file-0']);
    await fifos!.remove();
    expect(existsSync(dirname(fifos!.paths[0]!))).toBe(false);
  });

  it('yielding (a shared thread): gives the thread back while git has written nothing, same objects', async () => {
    const r = scratch.repo();
    const large = Buffer.alloc(9 << 20, 'y');
    const ids = [writeBlob(r, 'one\n'), writeBlob(r, large), 'f'.repeat(40), writeBlob(r, 'two\n')];
    const fifos = await makeFifos(1);
    scratch.add(() => fifos!.remove());
    const reader = new BlockingCatFile(fifos!.paths[0]!, { yielding: true });
    reader.begin({ cwd: r.dir, env: ENV }, `${ids.join('\n')}\n`, ids.length);
    const seen: string[] = [];
    let waits = 0;
    for (;;) {
      const object = reader.next();
      if (object === undefined) break;
      if (object === null) {
        waits++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      seen.push(object.status === 'ok' ? `${object.oid} ${object.size}` : `${object.oid} missing`);
    }
    await reader.finish();
    reader.close();
    expect(seen).toEqual([`${ids[0]} 4`, `${ids[1]} ${large.length}`, `${ids[2]} missing`, `${ids[3]} 4`]);
    // git had not written when first asked (it had not even started): the reader said so, never blocked.
    expect(waits).toBeGreaterThan(0);
  });

  it.runIf(process.platform === 'linux')(
    "starts git at the niceness asked for (the check's, beside it)",
    async () => {
      const r = scratch.repo();
      // More than a pipe holds: git is still there, blocked on it, when asked about.
      const ids = Array.from({ length: 8 }, (_, i) => writeBlob(r, Buffer.alloc(1 << 20, 97 + i)));
      const fifos = await makeFifos(1);
      scratch.add(() => fifos!.remove());
      const reader = new BlockingCatFile(fifos!.paths[0]!, { niceness: 7 });
      reader.begin({ cwd: r.dir, env: ENV }, `${ids.join('\n')}\n`, ids.length);
      // Asked until git is there under its own name (a wrapper that enlarges the pipe may exec it a moment
      // later: a CI run once found no cat-file yet).
      let niceness: number[] = [];
      await vi.waitFor(() => expect((niceness = catFileNiceness())).toHaveLength(1), { timeout: 5000 });
      let read = 0;
      for (let object = reader.next(); object; object = reader.next()) read++;
      await reader.finish();
      reader.close();
      expect(read).toBe(ids.length);
      // An absolute niceness, and one below this process's own is not granted: git keeps that.
      expect(niceness).toEqual([Math.max(7, getPriority())]);
    },
  );

  it("fails with git's own message when git cannot run there", async () => {
    const fifos = await makeFifos(1);
    scratch.add(() => fifos!.remove());
    const reader = new BlockingCatFile(fifos!.paths[0]!);
    const notARepo = dirname(fifos!.paths[0]!);
    const error = await reader
      .read(
        { cwd: notARepo, env: { ...ENV, GIT_CEILING_DIRECTORIES: dirname(notARepo) } },
        'a\n',
        1,
        () => {},
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_NOT_A_REPO' });
  });
});

describe('makeFifos', () => {
  it('removes its folder when the process is interrupted before the scan removes it', () => {
    // In a process of its own (from the build): the signal ends it, as Ctrl-C would.
    const fifos = new URL('../dist/git/fifos.js', import.meta.url).href;
    const script = `const { makeFifos } = await import(${JSON.stringify(fifos)});
      const made = await makeFifos(2);
      process.stdout.write(made.paths[0] + '\\n');
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => {}, 5000);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.signal).toBe('SIGINT');
    const pipe = run.stdout.trim();
    expect(pipe).toMatch(/keyward-pipes-.*cat-file-0$/);
    expect(existsSync(dirname(pipe))).toBe(false);
  });
});

describe('pipe folders left by killed scans', () => {
  /** The pid of a process that has exited (and was reaped): no process has it now. */
  const deadPid = () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.status).toBe(0);
    expect(() => process.kill(child.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    return child.pid;
  };
  /** A temp folder of folders: keyward's shape for a dead pid and a live one, and what must be left. */
  function tempWithFolders() {
    const dir = mkdtempSync(join(tmpdir(), 'kw-stale-pipes-'));
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const dead = deadPid();
    const folder = (name: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'cat-file-0'), '');
      return name;
    };
    const names = {
      dead: folder(`keyward-pipes-${dead}-Ab12Cd`),
      live: folder(`keyward-pipes-${process.pid}-Ab12Cd`),
      older: folder('keyward-pipes-Ab12Cd'), // no pid: made before the name carried one
      odd: folder(`keyward-pipes-${dead}-Ab12Cd.bak`),
      other: folder(`other-pipes-${dead}-Ab12Cd`),
      file: `keyward-pipes-${dead}-File00`,
      link: `keyward-pipes-${dead}-Link00`,
      target: folder('a-folder-a-link-points-to'),
    };
    writeFileSync(join(dir, names.file), '');
    symlinkSync(join(dir, names.target), join(dir, names.link));
    return { dir, dead, names };
  }

  it('removes the folders of keyward processes that are gone, and nothing else', async () => {
    const { dir, names } = tempWithFolders();
    const removed = await removeStalePipeFolders(dir);
    expect(removed).toEqual([join(dir, names.dead)]);
    const left = readdirSync(dir).sort();
    expect(left).toEqual(
      Object.values(names)
        .filter((n) => n !== names.dead)
        .sort(),
    );
    expect(readdirSync(join(dir, names.target))).toEqual(['cat-file-0']); // the link's target untouched
  });

  // Only root can give a folder to another user.
  it.runIf(process.getuid?.() === 0)("leaves another user's folder alone, its process gone", async () => {
    const { dir, names } = tempWithFolders();
    chownSync(join(dir, names.dead), 4242, 4242);
    expect(await removeStalePipeFolders(dir)).toEqual([]);
    expect(existsSync(join(dir, names.dead))).toBe(true);
  });

  it('a history scan about to make pipes removes them first, and names its own folder with its pid', () => {
    // In a process of its own (from the build): the sweep runs once a process, on its first pipes.
    const { dir, names } = tempWithFolders();
    const fifos = new URL('../dist/git/fifos.js', import.meta.url).href;
    const script = `const { makeFifos } = await import(${JSON.stringify(fifos)});
      const made = await makeFifos(1);
      process.stdout.write(made.paths[0] + '\\n' + process.pid + '\\n');
      await made.remove();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: dir },
    });
    expect(run.status).toBe(0);
    const [pipe, pid] = run.stdout.trim().split('\n');
    expect(dirname(pipe!)).toMatch(new RegExp(`^${dir}/keyward-pipes-${pid}-[A-Za-z0-9]{6}$`));
    expect(existsSync(join(dir, names.dead))).toBe(false);
    expect(existsSync(join(dir, names.live))).toBe(true);
    expect(existsSync(join(dir, names.older))).toBe(true);
    expect(readdirSync(dir)).toHaveLength(Object.keys(names).length - 1);
  });
});

/** The items a history source's plan gives workers, read here run by run as each worker would. */
async function readPlan(
  source: ScanSource,
  workers: number,
  fifo: boolean,
): Promise<{ work: HistoryWork; items: Array<SeenItem & { index: number }>; tally: RunTally }> {
  const plan = source.parallel!();
  await plan.early?.(workers);
  const work = (await plan.work(workers)) as HistoryWork;
  expect(work.kind).toBe('history');
  const items: Array<SeenItem & { index: number }> = [];
  const tally = { done: 0, bytes: 0 };
  const take = (index: number, { bytes, ...rest }: ContentItem) =>
    items.push({ ...rest, index, text: Buffer.from(bytes).toString('utf8') });
  for (let run = 0; run < work.runs.length; run++) {
    const reader = new RunReader(fifo ? work.pipes?.[run % workers] : undefined);
    await readHistoryRun(work, run, reader, source.stats(), tally, take);
    reader.close();
  }
  await plan.finish?.(undefined);
  if (work.pipes) expect(existsSync(dirname(work.pipes[0]!))).toBe(false);
  return { work, items, tally };
}

function idAt(work: HistoryWork, index: number): string {
  return Buffer.from(work.ids.subarray(index * work.width, (index + 1) * work.width)).toString('hex');
}

describe('history work for scan workers', () => {
  let shared: TempRepo;
  beforeAll(() => {
    shared = history({ big: true });
  });
  afterAll(() => shared.cleanup());
  const options = (r: TempRepo, more: Partial<HistoryOptions> = {}): HistoryOptions => ({
    cwd: r.dir,
    env: ENV,
    parallelMinBytes: 0,
    unlistedPackBytes: 0, // the listing's path: the one that splits work for workers
    ...more,
  });

  it('gives workers byte-balanced runs that read back the same items, counts and order as items()', async () => {
    const r = shared;
    const alone = historySource(options(r));
    const expected = await collect(alone);
    for (const fifo of [true, false]) {
      const source = historySource(options(r));
      const { work, items, tally } = await readPlan(source, 2, fifo);
      expect(work.runs).toHaveLength(2);
      expect(work.runs[0]!.start).toBe(0);
      expect(work.runs[0]!.end).toBe(work.runs[1]!.start);
      expect(work.pipes).toHaveLength(2); // one per worker (the streaming reader leaves them unused)
      expect(items.map(({ index: _index, ...item }) => item)).toEqual(expected);
      // Each item's index is its blob's place in the pack-ordered list (binary blobs leave gaps).
      for (const { index, blobId } of items) expect(idAt(work, index)).toBe(blobId);
      expect(source.stats()).toEqual(alone.stats());
      expect(tally.done).toBe(expected.length + alone.stats().skipped.binary);
      expect(tally.bytes).toBeGreaterThan(6_500_000);
      expect(source.describe).toBe(alone.describe);
    }
  });

  it('keeps --shard and --branch: the runs hold exactly the blobs items() would scan', async () => {
    const r = shared;
    for (const more of [{ shard: { index: 2, count: 3 } }, { refs: ['side'] }]) {
      const expected = await collect(historySource(options(r, more)));
      const { items } = await readPlan(historySource(options(r, more)), 3, true);
      expect(items.map((item) => item.blobId)).toEqual(expected.map((item) => item.blobId));
      expect(items.length).toBeGreaterThan(0);
    }
  });

  it('reads the same blobs in this thread through one named pipe or several cat-file streams', async () => {
    const one = await collect(historySource(options(shared, { readers: 1 })));
    const three = await collect(historySource(options(shared, { readers: 3 })));
    const byId = (a: SeenItem, b: SeenItem) => ((a.blobId ?? '') < (b.blobId ?? '') ? -1 : 1);
    expect([...three].sort(byId)).toEqual([...one].sort(byId));
    expect(one.length).toBeGreaterThan(10);
    expect(one.some((item) => item.text.length > 6_000_000)).toBe(true);
  });

  it('yields no work below the size worth splitting, and items() still reads everything', async () => {
    const r = shared;
    const source = historySource(options(r, { parallelMinBytes: 1 << 30 }));
    const plan = source.parallel!();
    await plan.early?.(2);
    expect(await plan.work(2)).toBeUndefined();
    const items = await collect(source);
    expect(items.length).toBeGreaterThan(10);
  });

  it('with requireComplete, a missing object fails the scan with exit 3, stopping the workers early (watch) and in finish', async () => {
    const r = history({ big: false });
    scratch.track(r);
    const blob = r.git('rev-parse', 'main:f0.txt');
    rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const source = historySource(options(r, { requireComplete: true }));
    const plan = source.parallel!();
    const stopped = new Promise<Error>((resolve) => plan.watch!(resolve));
    const work = await plan.work(2).catch((e: unknown) => e);
    // Either the walk reported it before the listing ended (work fails), or it stops the workers.
    const error = work instanceof Error ? work : await stopped;
    expect(error).toMatchObject({ code: 'E_HISTORY_INCOMPLETE' });
    if (!(work instanceof Error)) {
      await expect(plan.finish!(error)).rejects.toMatchObject({ code: 'E_HISTORY_INCOMPLETE' });
    }
  });

  it('without it, the workers read every present blob and resolve names the missing one', async () => {
    const r = history({ big: false });
    scratch.track(r);
    const blob = r.git('rev-parse', 'main:f0.txt');
    const whole = await readPlan(historySource(options(r)), 2, true);
    rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const source = historySource(options(r));
    const partial = await readPlan(source, 2, true);
    expect(partial.items.map((i) => i.blobId).sort()).toEqual(
      whole.items
        .map((i) => i.blobId)
        .filter((id) => id !== blob)
        .sort(),
    );
    // The verdict comes with resolve (the pipeline's next step), which can start its work beside the walk.
    expect(await source.resolve!([])).toEqual([]);
    expect(source.stats()).toMatchObject({ incomplete: true, missing: { ids: [blob], count: 1 } });
  });

  it('counts a blob gone since it was listed as a warning that makes the scan incomplete', async () => {
    const r = shared;
    const source = historySource(options(r));
    const plan = source.parallel!();
    const work = (await plan.work(1)) as HistoryWork;
    const gone = Buffer.from('ab'.repeat(20), 'hex');
    const ids = new Uint8Array(work.ids.length + gone.length);
    ids.set(work.ids);
    ids.set(gone, work.ids.length);
    const count = ids.length / work.width;
    const stats = newSourceStats();
    const tally = { done: 0, bytes: 0 };
    const reader = new RunReader(work.pipes?.[0]);
    await readHistoryRun(
      { ...work, ids, runs: [{ start: 0, end: count }] },
      0,
      reader,
      stats,
      tally,
      () => {},
    );
    reader.close();
    await plan.finish!(undefined);
    expect(stats.incomplete).toBe(true);
    expect(stats.warnings).toEqual([`blob ${'ab'.repeat(20)} disappeared while scanning`]);
    expect(tally.done).toBe(count);
  });
});
