import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, GIT_ENV, runCli, Scratch, tempDir, type TempRepo } from '@keyward/test-utils';
import { decodeStore, encodeStore, type StoreKeyParts } from '../src/store/format.js';
import { openStore, STORE_FILE } from '../src/store/store.js';
import { unionIds } from '../src/store/ids.js';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { historySource, type HistoryOptions } from '@keyward/sources/history';
import type * as Pipeline from '../src/scan/pipeline.js';

// Workers start from the build (dist/scan/worker.js), so the pipeline is imported from dist/.
const { runPipeline } = (await import('../dist/scan/pipeline.js')) as typeof Pipeline;

const scratch = new Scratch();
afterEach(() => scratch.clear());

const KEYS = {
  removed: fakeKey('openai-project', 1901),
  kept: fakeKey('anthropic', 1902),
  later: fakeKey('groq', 1903),
  loose: fakeKey('openai-svcacct', 1904),
};

/** A history with keys added and removed, some clean files, a binary blob and a blob no commit holds. */
function history(): TempRepo {
  const r = scratch.repo();
  r.commit('one', {
    'config.env': `OPENAI_API_KEY=${KEYS.removed}\n`,
    'data.bin': Buffer.from([0, 1, 2, 3]),
    'README.md': '# a project\n',
  });
  r.commit('two', { 'config.env': 'OPENAI_API_KEY=\n', 'settings.json': `{"anthropic": "${KEYS.kept}"}\n` });
  for (let i = 0; i < 6; i++)
    r.commit(`work ${i}`, { [`src/module-${i % 3}.ts`]: `export const v${i} = ${i};\n` });
  r.write({ 'loose.txt': `OPENAI_API_KEY=${KEYS.loose}\n` });
  r.git('hash-object', '-w', 'loose.txt');
  rmSync(join(r.dir, 'loose.txt'));
  return r;
}

/** Every blob id in the object store. */
function blobIds(r: TempRepo): string[] {
  return r
    .git('cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)')
    .split('\n')
    .filter((line) => line.startsWith('blob '))
    .map((line) => line.slice(5));
}

interface Audit {
  code: number;
  stderr: string;
  report: {
    scan: { blobs: number };
    findings: Array<Record<string, unknown>>;
    complete?: boolean;
  };
}

async function audit(r: TempRepo, ...more: string[]): Promise<Audit> {
  const run = await runCli(['scan', '--history', '--format', 'json', ...more], { cwd: r.dir, env: GIT_ENV });
  return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout || '{}') as Audit['report'] };
}

/** The findings with everything a user reads from them: path, position, rule, provenance. */
function provenance(findings: Array<Record<string, unknown>>) {
  return findings
    .map((f) => ({
      ruleId: f.ruleId,
      path: f.path,
      line: f.line,
      column: f.column,
      fingerprint: f.fingerprint,
      commit: f.commit,
      author: f.author,
      date: f.date,
      reachable: f.reachable,
      presentAtHead: f.presentAtHead,
      suppressed: f.suppressed,
    }))
    .sort((a, b) => String(a.fingerprint).localeCompare(String(b.fingerprint)));
}

function readStore(dir: string) {
  const decoded = decodeStore(readFileSync(join(dir, STORE_FILE)));
  if (!decoded.ok) throw new Error(decoded.problem.code);
  const { width, ids } = decoded.store;
  const hex: string[] = [];
  for (let at = 0; at < ids.length; at += width) hex.push(ids.toString('hex', at, at + width));
  return { ...decoded.store, hex };
}

/** git's id for a blob of this text. */
const gitBlobId = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

const blobOf = (r: TempRepo, commit: string, path: string) => r.git('rev-parse', `${commit}:${path}`);

describe('scan --history --store', () => {
  it('records clean blobs; the next audit reads only new blobs and blobs with findings, and finds what a full audit finds', async () => {
    const r = history();
    const store = tempDir();
    scratch.add(() => rmSync(store, { recursive: true, force: true }));
    const first = await audit(r, '--store', store);
    const full1 = await audit(r);
    expect(first.code).toBe(1);
    expect(provenance(first.report.findings)).toEqual(provenance(full1.report.findings));
    expect(first.report.findings.length).toBeGreaterThanOrEqual(3);
    const all = blobIds(r);
    const recorded = readStore(store);
    // Blobs with findings: the removed key's, the kept key's and the loose one's; every other blob is recorded.
    const withKeys = [
      blobOf(r, 'HEAD~7', 'config.env'),
      blobOf(r, 'HEAD', 'settings.json'),
      gitBlobId(`OPENAI_API_KEY=${KEYS.loose}\n`),
    ];
    expect(all).toEqual(expect.arrayContaining(withKeys));
    for (const oid of withKeys) expect(recorded.hex).not.toContain(oid);
    expect(recorded.hex.length).toBe(all.length - 3);
    expect(first.stderr).toMatch(
      /store .*: 0 blobs known clean were not read; \d+ found clean now; \d+ recorded/,
    );

    // New commits: a new key, the kept key removed, more clean files.
    const before = new Set(all);
    r.commit('later', { 'later.env': `GROQ_API_KEY=${KEYS.later}\n`, 'notes.md': 'notes\n' });
    r.commit('drop', { 'settings.json': '{}\n', 'src/module-0.ts': 'export const v = 0;\n' });
    const fresh = blobIds(r).filter((oid) => !before.has(oid));
    const second = await audit(r, '--store', store);
    const full2 = await audit(r);
    // Read: the new blobs and the three blobs with findings, nothing else.
    expect(second.report.scan.blobs).toBe(fresh.length + 3);
    expect(full2.report.scan.blobs).toBe(all.length - 1 + fresh.length); // all but the binary one
    expect(second.stderr).toContain(`${recorded.hex.length} known clean in the store, not read`);
    expect(provenance(second.report.findings)).toEqual(provenance(full2.report.findings));
    const kept = second.report.findings.find((f) => f.ruleId === 'anthropic-api-key');
    expect(kept).toMatchObject({ presentAtHead: false, reachable: true });
    expect(second.code).toBe(full2.code);

    // The store never holds a blob with a finding, nor any secret's bytes.
    const after = readStore(store);
    expect(after.hex).not.toContain(blobOf(r, 'HEAD~1', 'later.env'));
    for (const oid of withKeys) expect(after.hex).not.toContain(oid);
    const bytes = readFileSync(join(store, STORE_FILE));
    for (const key of Object.values(KEYS)) {
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(key.slice(-8)))).toBe(false);
    }
    expect(after.hex.length).toBe(recorded.hex.length + fresh.length - 1);
  });

  it('starts again, saying so in one line, when the rules change', async () => {
    const r = history();
    const store = tempDir();
    scratch.add(() => rmSync(store, { recursive: true, force: true }));
    await audit(r, '--store', store);
    const config = join(tempDir(), 'keyward.config.json');
    scratch.add(() => rmSync(join(config, '..'), { recursive: true, force: true }));
    writeFileSync(config, JSON.stringify({ rules: { 'groq-api-key': 'off' } }));
    const changed = await audit(r, '--store', store, '--config', config);
    const lines = changed.stderr.split('\n').filter((line) => line.includes('rebuilding'));
    expect(lines).toEqual([
      expect.stringMatching(/store .*: the rules, the config changed since it was written; rebuilding it$/),
    ]);
    expect(changed.report.scan.blobs).toBe(blobIds(r).length - 1);
    // Rebuilt under the new key: the same rules read only the blobs with findings next time.
    const again = await audit(r, '--store', store, '--config', config);
    expect(again.stderr).not.toContain('rebuilding');
    expect(again.report.scan.blobs).toBe(3);
  });

  describe('a store that is not whole is refused: one line, exit 2, no report', () => {
    const cases: Array<[string, (file: string) => void, RegExp]> = [
      [
        'a flipped byte',
        (file) => {
          const bytes = readFileSync(file);
          bytes[bytes.length - 40]! ^= 0x01;
          writeFileSync(file, bytes);
        },
        /is damaged \(its checksum does not match: truncated or changed\)/,
      ],
      ['truncated', (file) => writeFileSync(file, readFileSync(file).subarray(0, 70)), /is damaged/],
      [
        'cut to its header',
        (file) => writeFileSync(file, readFileSync(file).subarray(0, 12)),
        /is damaged \(truncated/,
      ],
      ['a foreign file', (file) => writeFileSync(file, 'not a store at all\n'), /is not a keyward store/],
      [
        'another format version',
        (file) => {
          const bytes = readFileSync(file);
          bytes.writeUInt16LE(9, 8);
          writeFileSync(file, bytes);
        },
        /is in store format 9; this keyward reads format 1/,
      ],
    ];
    it.each(cases)('%s', async (_name, damage, message) => {
      const r = history();
      const store = tempDir();
      scratch.add(() => rmSync(store, { recursive: true, force: true }));
      await audit(r, '--store', store);
      damage(join(store, STORE_FILE));
      const refused = await runCli(['scan', '--history', '--format', 'json', '--store', store], {
        cwd: r.dir,
        env: GIT_ENV,
      });
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    });

    it('a file where the folder should be', async () => {
      const r = history();
      const folder = tempDir();
      scratch.add(() => rmSync(folder, { recursive: true, force: true }));
      const file = join(folder, 'plain.txt');
      writeFileSync(file, 'x');
      const refused = await runCli(['scan', '--history', '--store', file], { cwd: r.dir, env: GIT_ENV });
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim()).toMatch(
        /--store: .*plain\.txt is not a keyward store \(it is a file, not a folder\)/,
      );
    });
  });

  it('--store works with --history only, and needs a folder', async () => {
    const r = history();
    const range = await runCli(['scan', '--range', 'HEAD~2..HEAD', '--store', 'x'], {
      cwd: r.dir,
      env: GIT_ENV,
    });
    expect(range.code).toBe(2);
    expect(range.stderr.trim()).toBe('keyward: --store works with --history only');
  });

  it('per shard: two shards into one store, then the whole history reads only the blobs with findings', async () => {
    const r = history();
    const store = tempDir();
    scratch.add(() => rmSync(store, { recursive: true, force: true }));
    const one = await audit(r, '--store', store, '--shard', '1/2');
    const two = await audit(r, '--store', store, '--shard', '2/2');
    expect(one.report.scan.blobs + two.report.scan.blobs).toBe(blobIds(r).length - 1);
    expect(readStore(store).hex.length).toBe(blobIds(r).length - 3);
    const whole = await audit(r, '--store', store);
    expect(whole.report.scan.blobs).toBe(3);
    expect(provenance(whole.report.findings)).toEqual(provenance((await audit(r)).report.findings));
  });

  it('a partial audit records what it read, never the missing objects', async () => {
    const r = history();
    r.commit('gone', { 'gone.txt': 'this blob will be missing\n' });
    const gone = blobOf(r, 'HEAD', 'gone.txt');
    rmSync(join(r.dir, '.git', 'objects', gone.slice(0, 2), gone.slice(2)));
    const store = tempDir();
    scratch.add(() => rmSync(store, { recursive: true, force: true }));
    const partial = await audit(r, '--store', store);
    expect(partial.code).toBe(3);
    expect(partial.report.complete).toBe(false);
    const recorded = readStore(store).hex;
    expect(recorded).not.toContain(gone);
    expect(recorded.length).toBe(blobIds(r).length - 3);
  });
});

describe('the clean blobs on worker threads', () => {
  /** The history source with the listing's path and workers forced, scanned with `jobs` threads. */
  async function scan(r: TempRepo, jobs: number, more: Partial<HistoryOptions> = {}) {
    const source = historySource({
      cwd: r.dir,
      env: { ...process.env, ...GIT_ENV },
      parallelMinBytes: 0,
      unlistedPackBytes: 0,
      ...more,
    });
    const result = await runPipeline(source, createScanner(RULES), { jobs, rules: RULES, inlineAllow: true });
    const clean = source.cleanBlobs()!;
    const hex: string[] = [];
    for (let at = 0; at < clean.ids.length; at += clean.width)
      hex.push(Buffer.from(clean.ids.subarray(at, at + clean.width)).toString('hex'));
    return { result, clean: hex.sort(), known: clean.known };
  }

  it('are the same blobs as in one thread, and known blobs are neither read nor counted clean again', async () => {
    const r = history();
    const one = await scan(r, 1);
    const two = await scan(r, 2);
    expect(two.clean).toEqual(one.clean);
    expect(one.clean.length).toBe(blobIds(r).length - 3);
    const known = new Set(one.clean.slice(0, 5));
    const again = await scan(r, 2, { known: (oid) => known.has(oid) });
    expect(again.known).toBe(5);
    const binary = known.has(blobOf(r, 'HEAD', 'data.bin')) ? 1 : 0; // skipped, not scanned, either way
    expect(again.result.stats.blobs).toBe(two.result.stats.blobs - 5 + binary);
    expect(again.clean).toEqual(one.clean.filter((oid) => !known.has(oid)));
    expect(again.result.findings).toEqual(two.result.findings);
  });
});

describe('the store file', () => {
  const key: StoreKeyParts = { keyward: '0.0.0', rules: 'r', config: 'c', maxBlobSize: 1, filters: true };
  const id = (n: number, width = 20) => {
    const b = Buffer.alloc(width);
    b.writeUInt32BE(n, width - 4);
    b[0] = n % 251;
    return b;
  };

  it('concurrent writers leave a whole store holding the union', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const writers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const opened = await openStore(dir, key);
        if (!opened.ok) throw new Error(opened.error.code);
        return opened.value;
      }),
    );
    const expected = new Set<string>();
    writers.forEach((store, w) => {
      const ids = Buffer.concat(Array.from({ length: 500 }, (_, i) => id(w * 1000 + i)));
      for (let i = 0; i < 500; i++) expected.add(id(w * 1000 + i).toString('hex'));
      expect(store.record(ids, 20).ok).toBe(true);
    });
    const written = await Promise.all(writers.map((store) => store.commit()));
    expect(written.every((w) => w.ok)).toBe(true);
    expect(new Set(readStore(dir).hex)).toEqual(expected);
  });

  it('refuses mixing SHA-1 and SHA-256 ids', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, STORE_FILE), encodeStore({ key, width: 20, ids: id(1) }));
    const opened = await openStore(dir, key);
    if (!opened.ok) throw new Error(opened.error.code);
    expect(opened.value.record(id(2, 32), 32)).toMatchObject({
      ok: false,
      error: { code: 'E_STORE_MIXED', data: { found: 20, expected: 32 } },
    });
  });

  it('a union is every id of both, sorted, each once', () => {
    const sorted = (ns: number[]) => Buffer.concat([...new Set(ns)].map((n) => id(n)).sort(Buffer.compare));
    const a = Array.from({ length: 3000 }, (_, i) => i * 7);
    const b = [0, 3, 7, 20999, 21000, 5000, 14, 99999, 1];
    const union = unionIds(sorted(a), sorted(b), 20);
    expect(union.equals(sorted([...a, ...b]))).toBe(true);
    expect(unionIds(sorted(b), sorted(a), 20).equals(union)).toBe(true);
  });

  it('is not written again when an audit adds nothing', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const first = await openStore(dir, key);
    if (!first.ok) throw new Error(first.error.code);
    first.value.record(Buffer.concat([id(1), id(2)]), 20);
    expect(await first.value.commit()).toEqual({ ok: true, value: 2 });
    const file = join(dir, STORE_FILE);
    const before = statSync(file, { bigint: true });
    const again = await openStore(dir, key);
    if (!again.ok) throw new Error(again.error.code);
    expect(await again.value.commit()).toEqual({ ok: true, value: 2 });
    expect(statSync(file, { bigint: true }).ino).toBe(before.ino);
    // Another writer's rename in between is read and kept.
    const other = await openStore(dir, key);
    if (!other.ok) throw new Error(other.error.code);
    other.value.record(id(3), 20);
    await other.value.commit();
    again.value.record(id(4), 20);
    expect(await again.value.commit()).toEqual({ ok: true, value: 4 });
  });

  it('is about its ids in size, sorted, each once', () => {
    const ids = Buffer.concat([id(1), id(2), id(3)]);
    const bytes = encodeStore({ key, width: 20, ids });
    expect(bytes.length).toBeLessThan(60 + 150 + 20 * 3);
    expect(decodeStore(bytes)).toMatchObject({ ok: true, store: { width: 20 } });
    const unsorted = encodeStore({ key, width: 20, ids: Buffer.concat([id(2), id(1)]) });
    expect(decodeStore(unsorted)).toMatchObject({ ok: false, problem: { code: 'E_STORE_CORRUPT' } });
  });
});
