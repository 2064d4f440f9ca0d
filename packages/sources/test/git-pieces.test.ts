import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Scratch, tempDir } from '@keyward/test-utils';
import {
  CatFileBatch,
  readObjects,
  readObjectsConcurrently,
  type ObjectResult,
} from '../src/git/cat-file.js';
import { LogParser, RAW_LOG_FLAGS, streamLog } from '../src/git/log.js';
import { OidMap } from '../src/git/oid-map.js';
import { startGit } from '../src/git/exec.js';
import { makeFifos } from '../src/git/fifos.js';
import { withLargePipe } from '../src/git/large-pipe.js';
import { isZeroOid, parseRawOutput } from '../src/git/raw.js';
import { BlobList, inShard, listBlobs } from '../src/history/blob-list.js';
import { readUnlistedRest } from '../src/history/unlisted.js';
import { ENV, writeBlob } from './helpers.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());
async function drain(batch: CatFileBatch, n: number): Promise<ObjectResult[]> {
  const out: ObjectResult[] = [];
  for (let i = 0; i < n; i++) out.push(await batch.next());
  return out;
}

describe('OidMap', () => {
  it('stores SHA-1 and SHA-256 ids with values through growth, and ignores malformed ids', () => {
    for (const width of [20, 32]) {
      const map = new OidMap(4);
      const ids = Array.from({ length: 5000 }, () => randomBytes(width).toString('hex'));
      ids.forEach((id, i) => map.set(id, i));
      ids.slice(0, 100).forEach((id) => map.add(id)); // re-adding keeps the value
      expect(map.size).toBe(5000);
      expect(ids.every((id, i) => map.get(id) === i)).toBe(true);
      expect(map.has(randomBytes(width).toString('hex'))).toBe(false);
      map.add('xyz');
      map.add('ab'.repeat(width === 20 ? 32 : 20)); // the other width
      expect(map.size).toBe(5000);
    }
  });
});

describe('raw diff records', () => {
  it('parses single-parent, rename and combined (merge) records', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const z = '0'.repeat(40);
    const out = [
      `:000000 100644 ${z} ${a} A`,
      'new file.txt',
      `:100644 100644 ${a} ${b} R087`,
      'old name',
      'new name',
      `\n::100644 100644 100644 ${a} ${b} ${z} MM`,
      'merged',
      '',
    ].join('\0');
    expect(parseRawOutput(out)).toEqual([
      { status: 'A', mode: '100644', oid: a, path: 'new file.txt', parents: [{ mode: '000000', oid: z }] },
      {
        status: 'R087',
        mode: '100644',
        oid: b,
        srcPath: 'old name',
        path: 'new name',
        parents: [{ mode: '100644', oid: a }],
      },
      {
        status: 'MM',
        mode: '100644',
        oid: z,
        path: 'merged',
        parents: [
          { mode: '100644', oid: a },
          { mode: '100644', oid: b },
        ],
      },
    ]);
    expect(isZeroOid(z)).toBe(true);
    expect(isZeroOid('0'.repeat(64))).toBe(true);
    expect(isZeroOid(a)).toBe(false);
  });

  it('parses log headers and entries token by token, paths with spaces and newlines kept', () => {
    const parser = new LogParser();
    const a = 'a'.repeat(40);
    const tokens = [
      `\x1e${'1'.repeat(40)}`,
      '',
      'Ada Tester',
      '2026-01-01T00:00:00+00:00',
      '',
      `\n:000000 100644 ${'0'.repeat(40)} ${a} A`,
      'dir/a file\nwith newline',
      `\x1e${'2'.repeat(40)}`,
      `${'1'.repeat(40)} ${'3'.repeat(40)}`,
      'Bob',
      '2026-01-02T00:00:00+00:00',
    ];
    const done = tokens.map((t) => parser.push(t)).filter(Boolean);
    expect(done).toEqual([
      {
        oid: '1'.repeat(40),
        parents: [],
        author: 'Ada Tester',
        date: '2026-01-01T00:00:00+00:00',
        entries: [expect.objectContaining({ status: 'A', oid: a, path: 'dir/a file\nwith newline' })],
      },
    ]);
    expect(parser.end()).toMatchObject({
      oid: '2'.repeat(40),
      parents: ['1'.repeat(40), '3'.repeat(40)],
      author: 'Bob',
    });
  });
});

describe('CatFileBatch', () => {
  it('returns contents in request order: empty, large (across chunks), missing, and over-the-cap objects', async () => {
    const r = scratch.repo();
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'k');
    const ids = { empty: writeBlob(r, ''), big: writeBlob(r, big), small: writeBlob(r, 'small\n') };
    const missing = 'f'.repeat(40);
    const batch = new CatFileBatch({ cwd: r.dir, env: ENV });
    batch.request(ids.small);
    batch.request(ids.big, 1024); // passed over in git's output, never buffered
    batch.request(ids.empty);
    batch.request(missing);
    batch.request(ids.big);
    batch.request(ids.small);
    const [small, capped, empty, gone, whole, again] = await drain(batch, 6);
    await batch.close();
    expect(small).toMatchObject({ status: 'ok', type: 'blob', size: 6 });
    expect(Buffer.from((small as { bytes: Uint8Array }).bytes).toString()).toBe('small\n');
    expect(capped).toEqual({ oid: ids.big, status: 'tooLarge', type: 'blob', size: big.length });
    expect(empty).toMatchObject({ status: 'ok', size: 0 });
    expect(gone).toEqual({ oid: missing, status: 'missing' });
    expect(Buffer.compare(Buffer.from((whole as { bytes: Uint8Array }).bytes), big)).toBe(0);
    expect(again).toMatchObject({ status: 'ok', size: 6 });
  });

  it('stops reading from git while a backlog of results waits, and resumes when they are taken', async () => {
    const r = scratch.repo();
    const ids = Array.from({ length: 40 }, (_, i) => writeBlob(r, `${String(i % 10).repeat(20_000)}${i}\n`));
    const batch = new CatFileBatch({ cwd: r.dir, env: ENV }, { buffer: true, highWater: 64 * 1024 });
    void batch.requestAll(ids.map((oid) => ({ oid })));
    await new Promise((resolve) => setTimeout(resolve, 300)); // git could have sent all 800 kB by now
    expect(batch.waitingBytes).toBeGreaterThanOrEqual(64 * 1024);
    // At most one pipe read (64 KiB) beyond the cap is parsed before reading stops; not all 800 kB.
    expect(batch.waitingBytes).toBeLessThan(2 * 64 * 1024 + 2 * 20_002);
    const results = await drain(batch, 40);
    await batch.close();
    expect(results.every((result) => result.status === 'ok')).toBe(true);
  });

  it('streams a list through readObjects in order', async () => {
    const r = scratch.repo();
    const ids = Array.from({ length: 25 }, (_, i) => writeBlob(r, `item ${i}\n`));
    const seen: string[] = [];
    for await (const object of readObjects(
      { cwd: r.dir, env: ENV },
      ids.map((oid) => ({ oid })),
    ))
      seen.push(object.oid);
    expect(seen).toEqual(ids);
  });

  it('reads several lists side by side, each object once', async () => {
    const r = scratch.repo();
    const ids = Array.from({ length: 30 }, (_, i) => writeBlob(r, `blob ${i}\n`));
    const lists = [ids.slice(0, 10), ids.slice(10, 25), ids.slice(25)].map((part) =>
      part.map((oid) => ({ oid })),
    );
    const seen: string[] = [];
    for await (const object of readObjectsConcurrently({ cwd: r.dir, env: ENV }, lists))
      seen.push(object.oid);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('with reuseBuffer, gives each object intact at the time it is consumed', async () => {
    const r = scratch.repo();
    const contents = Array.from({ length: 12 }, (_, i) => Buffer.alloc(150_000 + i * 9_000, 97 + i));
    const ids = contents.map((content) => writeBlob(r, content));
    const expected = new Map(ids.map((oid, i) => [oid, contents[i]!]));
    const lists = [ids.slice(0, 6), ids.slice(6)].map((part) => part.map((oid) => ({ oid })));
    let checked = 0;
    for await (const object of readObjectsConcurrently({ cwd: r.dir, env: ENV }, lists, {
      reuseBuffer: true,
    })) {
      expect(object.status).toBe('ok');
      const bytes = (object as { bytes: Uint8Array }).bytes;
      expect(Buffer.compare(Buffer.from(bytes), expected.get(object.oid)!)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 5)); // let the readers run ahead meanwhile
      expect(Buffer.compare(Buffer.from(bytes), expected.get(object.oid)!)).toBe(0);
      checked++;
    }
    expect(checked).toBe(12);
  });

  it('stops its git processes when the consumer gives up early', async () => {
    const r = scratch.repo();
    const ids = Array.from({ length: 20 }, (_, i) => ({ oid: writeBlob(r, `x${i}\n`) }));
    let n = 0;
    for await (const _ of readObjectsConcurrently({ cwd: r.dir, env: ENV }, [
      ids.slice(0, 10),
      ids.slice(10),
    ])) {
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });
});

describe('blob listing', () => {
  it('lists every blob once with its size, counts commits, and splits by bytes in pack order', async () => {
    const r = scratch.repo();
    r.commit('one', { 'a.txt': 'a'.repeat(1000), 'b.txt': 'b'.repeat(10) });
    r.commit('two', { 'a.txt': 'c'.repeat(3000), 'c.txt': 'same' });
    r.commit('three', { 'd.txt': 'same' }); // same blob as c.txt: listed once
    const listed = await listBlobs({ cwd: r.dir, env: ENV });
    expect(listed.blobs.length).toBe(4);
    expect([...listed.commits].map((c) => c.oid).sort()).toEqual(
      r.git('rev-list', '--all').split('\n').sort(),
    );
    expect(listed.blobs.bytes).toBe(1000 + 10 + 3000 + 4);
    const capped = await listBlobs({ cwd: r.dir, env: ENV }, { maxBlobSize: 999 });
    expect([capped.blobs.length, capped.tooLarge]).toEqual([2, 2]);

    const list = new BlobList();
    [500, 10, 10, 480, 300, 200, 500].forEach((size, i) => list.push(String(i).repeat(40), size));
    const parts = list.split(2);
    expect(parts).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 7 },
    ]);
    expect([...list.range(4, 7)].map((r) => r.oid)).toEqual(['4', '5', '6'].map((d) => d.repeat(40)));
    expect(list.split(10).reduce((n, p) => n + p.end - p.start, 0)).toBe(7);
  });

  it('balances runs by what git inflates too: packed bytes weigh on a blob cost', () => {
    // Four whole objects first (packed nearly as large as they are), then deltas (packed small): by size
    // alone the first run would get two whole objects, by cost it gets fewer blobs than the second.
    const list = new BlobList();
    const blobs: Array<[number, number]> = [
      [1000, 900],
      [1000, 900],
      [1000, 900],
      [1000, 900],
      [1000, 20],
      [1000, 20],
      [1000, 20],
      [1000, 20],
    ];
    blobs.forEach(([size, packed], i) => list.push(String(i).repeat(40), size, packed));
    expect(list.bytes).toBe(8000);
    const [first, second] = list.split(2);
    expect(first).toEqual({ start: 0, end: 3 });
    expect(second).toEqual({ start: 3, end: 8 });
  });

  it('lists how many bytes each blob takes where git stores it', async () => {
    const r = scratch.repo();
    r.commit('one', { 'a.txt': 'a'.repeat(10_000) });
    const listed = await listBlobs({ cwd: r.dir, env: ENV });
    const stored = Number(
      r
        .git('cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize:disk)')
        .split('\n')
        .find((line) => line.startsWith('blob '))
        ?.slice(5),
    );
    expect(stored).toBeGreaterThan(0);
    // A loose object here: its stored bytes are zlib's, which 10,000 'a's make small.
    expect(listed.blobs.cost(0)).toBe(10_000 + 3 * stored);
  });

  it('reads a listing of thousands of lines (many chunks) byte for byte as git wrote it, shards and accept too', async () => {
    const r = scratch.repo();
    // 3,000 blobs with their tree and commit: ~200 KB of listing, several reads of git's output.
    const files = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`f${i}.txt`, `blob ${i}\n`.repeat(i % 7)]),
    );
    r.commit('many', files);
    const git = r
      .git(
        'cat-file',
        '--batch-all-objects',
        '--unordered',
        '--batch-check=%(objecttype) %(objectname) %(objectsize)',
      )
      .split('\n')
      .map((line) => line.split(' '));
    const blobs = git.filter(([type]) => type === 'blob');
    expect(blobs.length).toBe(3000 - 428); // every seventh file is empty: one blob for all of them
    const listed = await listBlobs({ cwd: r.dir, env: ENV });
    expect([...listed.blobs].map((b) => b.oid)).toEqual(blobs.map(([, oid]) => oid));
    expect(listed.blobs.bytes).toBe(blobs.reduce((n, [, , size]) => n + Number(size), 0));
    expect([...listed.commits].map((c) => c.oid)).toEqual(
      git.filter(([t]) => t === 'commit').map(([, oid]) => oid),
    );
    const shard = { index: 2, count: 3 };
    const sharded = await listBlobs({ cwd: r.dir, env: ENV }, { shard, accept: (oid) => oid < '8' });
    expect([...sharded.blobs].map((b) => b.oid)).toEqual(
      blobs.map(([, oid]) => oid!).filter((oid) => inShard(oid, shard) && oid < '8'),
    );
  });

  it('assigns every blob to exactly one shard, by id', () => {
    const ids = Array.from({ length: 300 }, () => randomBytes(20).toString('hex'));
    for (const id of ids) {
      const shards = [1, 2, 3].filter((index) => inShard(id, { index, count: 3 }));
      expect(shards).toHaveLength(1);
    }
  });
});

describe('streamLog', () => {
  it('yields each commit with its raw entries, and turns a failed git into a SourceError', async () => {
    const r = scratch.repo();
    const first = r.commit('one', { 'a.txt': 'a\n' });
    const second = r.commit('two', { 'b.txt': 'b\n' });
    const commits = [];
    for await (const commit of streamLog(['log', ...RAW_LOG_FLAGS], { cwd: r.dir, env: ENV }))
      commits.push(commit);
    expect(commits.map((c) => [c.oid, c.entries.map((e) => e.path)])).toEqual([
      [second, ['b.txt']],
      [first, ['a.txt']],
    ]);
    const failing = streamLog(['log', ...RAW_LOG_FLAGS, 'no-such-revision'], { cwd: r.dir, env: ENV });
    await expect(failing.next()).rejects.toMatchObject({ code: 'E_GIT_FAILED' });
    const nowhere = streamLog(['log', ...RAW_LOG_FLAGS], { cwd: `${r.dir}/missing`, env: ENV });
    await expect(nowhere.next()).rejects.toMatchObject({ code: 'E_NOT_A_REPO' });
  });
});

describe('withLargePipe', () => {
  const perl = withLargePipe(['true'])[0] !== 'true';

  it('leaves the command as it is where no larger pipe can be had', () => {
    if (perl) expect(withLargePipe(['git', 'x']).slice(-2)).toEqual(['git', 'x']);
    else expect(withLargePipe(['git', 'x'])).toEqual(['git', 'x']);
  });

  // Where it applies (Linux with perl), a writer puts 600 KB into a named pipe nobody reads yet and exits:
  // the 64 KiB pipe it would otherwise have blocks it until a reader comes.
  it.runIf(perl)('runs the command with a 1 MiB pipe on its standard output, same exit code', async () => {
    const fifos = await makeFifos(1);
    scratch.add(() => void fifos?.remove());
    const fifo = fifos!.paths[0]!;
    const probe = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const output = openSync(fifo, constants.O_WRONLY);
    const [file, ...args] = withLargePipe(['sh', '-c', 'head -c 600000 /dev/zero; exit 7']);
    const child = spawn(file!, args, { stdio: ['ignore', output, 'inherit'] });
    closeSync(output);
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(7);
    let read = 0;
    const buffer = Buffer.alloc(1 << 20);
    for (let n = readSync(probe, buffer); n > 0; n = readSync(probe, buffer)) read += n;
    closeSync(probe);
    expect(read).toBe(600_000);
  });
});

describe('the unlisted pipeline side file', () => {
  const side = (text: string) => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'side'), text);
    return join(dir, 'side');
  };

  it('gives the commits and the count over the size cap once the listing exited 0', async () => {
    const rest = await readUnlistedRest(side(`${'a'.repeat(40)}\n${'b'.repeat(40)}\nlisted 0 3\n`));
    expect(rest.tooLarge).toBe(3);
    expect([rest.commits.oid(0), rest.commits.oid(1), rest.commits.length]).toEqual([
      'a'.repeat(40),
      'b'.repeat(40),
      2,
    ]);
  });

  it('fails when the listing failed or never said how it ended', async () => {
    await expect(readUnlistedRest(side(`${'a'.repeat(40)}\nlisted 128 0\n`))).rejects.toMatchObject({
      code: 'E_GIT_FAILED',
      data: { reason: 'exit code 128' },
    });
    await expect(readUnlistedRest(side(`${'a'.repeat(40)}\n`))).rejects.toMatchObject({
      data: { reason: 'the listing stopped short' },
    });
    await expect(readUnlistedRest('/nonexistent/keyward-side')).rejects.toMatchObject({
      data: { reason: 'the listing stopped short' },
    });
  });
});

describe('startGit', () => {
  it('gives a git with no input the end of its stdin at once, even while this thread is blocked', async () => {
    const dir = tempDir();
    const mark = join(dir, 'drained');
    try {
      // A git alias that reads its stdin to the end, then writes when it got there.
      const alias = `alias.drain=!cat >/dev/null && node -e "require('fs').writeFileSync(process.argv[1], String(Date.now()))" '${mark}'`;
      const { exited } = startGit(['-c', alias, 'drain'], { cwd: dir, env: ENV });
      // Blocked as a history read in this thread is (blocking reads): no event-loop turn for 1.5 s.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
      const unblocked = Date.now();
      expect(await exited).toBe(0);
      expect(Number(readFileSync(mark, 'utf8'))).toBeLessThan(unblocked - 500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
