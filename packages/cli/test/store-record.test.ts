import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, GIT_ENV, runCli, Scratch, tempDir, type TempRepo } from '@keyward/test-utils';
import { decodeRecord } from '../src/store/record.js';

// The history record beside a store (`--store`): a re-audit lists only objects outside the packs the
// last audit listed, walks only beyond the commits it walked from, and reports exactly a full audit's
// findings and provenance; anything that breaks those answers sends it back to a full audit.

const scratch = new Scratch();
afterEach(() => scratch.clear());

const KEYS = {
  old: fakeKey('openai-project', 2101),
  kept: fakeKey('anthropic', 2102),
  fresh: fakeKey('groq', 2103),
  side: fakeKey('openai-svcacct', 2104),
  dangling: fakeKey('openai-admin', 2105),
};

/** A packed history with a key removed, a key kept at HEAD and a key on a branch deleted since. */
function packedHistory(): TempRepo {
  const r = scratch.repo();
  r.commit('one', { 'config.env': `OPENAI_API_KEY=${KEYS.old}\n`, 'README.md': '# project\n' });
  r.commit('two', { 'config.env': 'OPENAI_API_KEY=\n', 'settings.json': `{"anthropic": "${KEYS.kept}"}\n` });
  for (let i = 0; i < 5; i++) r.commit(`work ${i}`, { [`src/m${i % 2}.ts`]: `export const v = ${i};\n` });
  r.git('checkout', '-q', '-b', 'side');
  r.commit('side key', { 'side.env': `OPENAI_API_KEY=${KEYS.side}\n` });
  r.git('checkout', '-q', 'main');
  r.git('branch', '-q', '-D', 'side');
  r.git('gc', '-q');
  return r;
}

interface Audit {
  code: number;
  stderr: string;
  trace: string;
  report: { scan: { blobs: number; commits: number }; findings: Array<Record<string, unknown>> };
}

async function audit(r: TempRepo, ...more: string[]): Promise<Audit> {
  const traces = tempDir();
  const file = join(traces, 'trace');
  try {
    const run = await runCli(['scan', '--history', '--format', 'json', ...more], {
      cwd: r.dir,
      env: { ...GIT_ENV, GIT_TRACE: file },
    });
    return {
      code: run.code,
      stderr: run.stderr,
      trace: existsSync(file) ? readFileSync(file, 'utf8') : '',
      report: JSON.parse(run.stdout || '{}') as Audit['report'],
    };
  } finally {
    rmSync(traces, { recursive: true, force: true });
  }
}

function provenance(findings: Array<Record<string, unknown>>) {
  return findings
    .map((f) =>
      [
        f.ruleId,
        f.path,
        f.line,
        f.column,
        f.fingerprint,
        f.commit,
        f.author,
        f.date,
        f.reachable,
        f.presentAtHead,
      ]
        .map(String)
        .join(' '),
    )
    .sort();
}

/** The whole store listed (a full audit's listing) in this run. */
const listedAll = (trace: string) => trace.includes('--batch-all-objects');
/** git's connectivity check over every tree (a full audit without findings, or before its first). */
const checkedAll = (trace: string) => trace.includes('rev-list --objects --quiet');

function storeFolder(): string {
  const dir = tempDir();
  scratch.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const records = (store: string) => readdirSync(store).filter((name) => name.endsWith('.kwrecord'));

describe('scan --history --store: the history record', () => {
  it('a re-audit lists only what is new and walks only beyond the last tips, with a full audit’s findings', async () => {
    const r = packedHistory();
    const store = storeFolder();
    const first = await audit(r, '--store', store);
    expect(first.code).toBe(1);
    expect(listedAll(first.trace)).toBe(true);
    expect(records(store)).toHaveLength(1);

    r.commit('fresh', { 'fresh.env': `GROQ_API_KEY=${KEYS.fresh}\n`, 'notes.md': 'notes\n' });
    r.git('repack', '-q', '-d'); // the new objects in a new pack beside the old one
    r.commit('later', { 'settings.json': '{}\n' }); // and some loose
    const again = await audit(r, '--store', store);
    const full = await audit(r);
    expect(listedAll(again.trace)).toBe(false);
    expect(checkedAll(again.trace)).toBe(false);
    expect(provenance(again.report.findings)).toEqual(provenance(full.report.findings));
    expect(again.report.findings.length).toBeGreaterThanOrEqual(4);
    expect(again.report.scan.commits).toBe(full.report.scan.commits);
    expect(again.code).toBe(full.code);
    expect(again.stderr).toContain('the packs the last audit listed not listed again');
    // The side key: no ref reaches it, its commit still found (recorded, not traced again).
    const side = again.report.findings.find((f) => f.ruleId === 'openai-service-account-key');
    expect(side).toMatchObject({ reachable: false, path: 'side.env' });
    expect(side?.commit).toMatch(/^[0-9a-f]{40}$/);

    // The record holds places, never a secret or a piece of one.
    const [name] = records(store);
    const bytes = readFileSync(join(store, name!));
    for (const key of Object.values(KEYS)) {
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(key.slice(-8)))).toBe(false);
    }
    const decoded = decodeRecord(bytes);
    if (typeof decoded === 'string') throw new Error(decoded);
    expect(decoded.record.origins.map((o) => o.path).sort()).toEqual(
      ['config.env', 'fresh.env', 'settings.json', 'side.env'].sort(),
    );
  });

  const BREAKS: Array<[string, (r: TempRepo) => void]> = [
    [
      'a branch moved back (force-push): its old commits are no longer reached',
      (r) => {
        r.git('reset', '-q', '--hard', 'HEAD~3');
        r.commit('rewritten', { 'rewritten.txt': 'x\n' });
      },
    ],
    [
      'a repack: the packs listed are gone (one new pack holds them and more)',
      (r) => {
        r.commit('before the repack', { 'repacked.txt': 'r\n' });
        r.git('gc', '-q');
      },
    ],
    ['a tag on a blob added', (r) => r.git('tag', 'readme-blob', r.git('rev-parse', 'HEAD:README.md'))],
  ];
  it.each(BREAKS)('%s: a full audit again, the same findings', async (_name, change) => {
    const r = packedHistory();
    const store = storeFolder();
    await audit(r, '--store', store);
    change(r);
    const again = await audit(r, '--store', store);
    const full = await audit(r);
    expect(listedAll(again.trace)).toBe(true);
    expect(provenance(again.report.findings)).toEqual(provenance(full.report.findings));
    // And the record is made again: the audit after takes it.
    r.commit('one more', { 'more.txt': 'more\n' });
    const next = await audit(r, '--store', store);
    expect(listedAll(next.trace)).toBe(false);
    expect(provenance(next.report.findings)).toEqual(provenance((await audit(r)).report.findings));
  });

  it('a blob no ref reached before, reached by a new commit: reachable, from that commit', async () => {
    const r = packedHistory();
    const store = storeFolder();
    await audit(r, '--store', store);
    const commit = r.commit('side key again', { 'side.env': `OPENAI_API_KEY=${KEYS.side}\n` });
    const again = await audit(r, '--store', store);
    const full = await audit(r);
    expect(listedAll(again.trace)).toBe(false);
    expect(provenance(again.report.findings)).toEqual(provenance(full.report.findings));
    const side = again.report.findings.find((f) => f.ruleId === 'openai-service-account-key');
    expect(side).toMatchObject({ reachable: true, commit, presentAtHead: true });
  });

  it('a new commit no ref reaches is traced among the new commits alone', async () => {
    const r = packedHistory();
    const store = storeFolder();
    await audit(r, '--store', store);
    r.git('checkout', '-q', '-b', 'gone');
    const commit = r.commit('gone key', { 'gone.env': `GROQ_API_KEY=${KEYS.fresh}\n` });
    r.git('checkout', '-q', 'main');
    r.git('branch', '-q', '-D', 'gone');
    const again = await audit(r, '--store', store);
    const full = await audit(r);
    expect(listedAll(again.trace)).toBe(false);
    expect(provenance(again.report.findings)).toEqual(provenance(full.report.findings));
    expect(again.report.findings.find((f) => f.path === 'gone.env')).toMatchObject({
      reachable: false,
      commit,
    });
  });

  it('a new blob with a finding that no new commit holds is traced as a full audit does, once', async () => {
    const r = packedHistory();
    const store = storeFolder();
    await audit(r, '--store', store);
    writeFileSync(join(r.dir, 'stray.env'), `OPENAI_ADMIN_KEY=${KEYS.dangling}\n`);
    r.git('hash-object', '-w', 'stray.env');
    rmSync(join(r.dir, 'stray.env'));
    const again = await audit(r, '--store', store);
    const full = await audit(r);
    expect(listedAll(again.trace)).toBe(true); // the commits, for a trace among every unreachable one
    expect(provenance(again.report.findings)).toEqual(provenance(full.report.findings));
    expect(again.report.findings.find((f) => f.ruleId === 'openai-admin-key')).toMatchObject({
      reachable: false,
    });
    // Its answer is in the record now: the next audit takes it without tracing.
    const next = await audit(r, '--store', store);
    expect(listedAll(next.trace)).toBe(false);
    expect(provenance(next.report.findings)).toEqual(provenance(full.report.findings));
  });

  it('one record a repository in a shared store folder', async () => {
    const one = packedHistory();
    const two = packedHistory();
    const store = storeFolder();
    await audit(one, '--store', store);
    await audit(two, '--store', store);
    expect(records(store)).toHaveLength(2);
    one.commit('new', { 'n.txt': 'n\n' });
    const again = await audit(one, '--store', store);
    expect(listedAll(again.trace)).toBe(false);
  });

  it('a SHA-256 repository: 32-byte ids in the record, the same answers', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
    git('init', '-q', '--object-format=sha256', '--initial-branch=main');
    const r = { dir } as TempRepo;
    const commit = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      git('add', name);
      git('commit', '-q', '-m', name);
    };
    commit('config.env', `OPENAI_API_KEY=${KEYS.old}\n`);
    commit('README.md', '# project\n');
    git('gc', '-q');
    const store = storeFolder();
    await audit(r, '--store', store);
    commit('fresh.env', `GROQ_API_KEY=${KEYS.fresh}\n`);
    const again = await audit(r, '--store', store);
    const full = await audit(r);
    expect(listedAll(again.trace)).toBe(false);
    expect(provenance(again.report.findings)).toEqual(provenance(full.report.findings));
    expect(again.report.findings[0]?.commit).toMatch(/^[0-9a-f]{64}$/);
    const decoded = decodeRecord(readFileSync(join(store, records(store)[0]!)));
    if (typeof decoded === 'string') throw new Error(decoded);
    expect(decoded.record.width).toBe(32);
  });

  it('a damaged record is refused: one line, exit 2, no report', async () => {
    const r = packedHistory();
    const store = storeFolder();
    await audit(r, '--store', store);
    const file = join(store, records(store)[0]!);
    const bytes = readFileSync(file);
    bytes[20]! ^= 0x01;
    writeFileSync(file, bytes);
    const refused = await runCli(['scan', '--history', '--format', 'json', '--store', store], {
      cwd: r.dir,
      env: GIT_ENV,
    });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/--store: .*\.kwrecord is damaged \(its checksum does not match/),
    ]);
  });
});
