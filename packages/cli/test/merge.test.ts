import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, runCli, tempDir, type TempRepo } from '@keyward/test-utils';

const KEYS = [
  fakeKey('openai-project', 901),
  fakeKey('openai-admin', 902),
  fakeKey('anthropic', 903),
  fakeKey('openai-svcacct', 904),
  fakeKey('groq', 905),
  fakeKey('openai-legacy', 906),
];

interface JsonFinding {
  fingerprint: string;
  path: string;
  commit?: string;
  line: number;
  secret?: string;
}
interface JsonReport {
  scan: { mode: string; files: number; blobs: number; commits: number; bytes: number; durationMs: number };
  findings: JsonFinding[];
}

let r: TempRepo;
let dir: string;
const file = (name: string) => join(dir, name);
const cli = (argv: string[], cwd = r.dir) => runCli(argv, { cwd, env: GIT_ENV });
const read = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as JsonReport;
const identity = (f: JsonFinding) => `${f.fingerprint} ${f.path} ${f.commit} ${f.line}`;

/** A history with a dozen blobs, six keys among them, and the full and sharded reports of it. */
beforeAll(async () => {
  dir = tempDir();
  r = createRepo();
  KEYS.forEach((key, i) => {
    r.commit(`key ${i}`, { [`src/k${i}.txt`]: `token = "${key}"\n`, 'notes.md': `note ${i}\n` });
  });
  r.commit('drop two', { 'src/k0.txt': 'gone\n', 'src/k1.txt': 'gone\n' });
  expect((await cli(['scan', '--history', '--format', 'json', '--output', file('full.json')])).code).toBe(1);
  await cli(['scan', '--history', '--format', 'json', '--reveal', '--output', file('full-reveal.json')]);
  for (const i of [1, 2, 3]) {
    const shard = await cli([
      'scan',
      '--history',
      '--shard',
      `${i}/3`,
      '--format',
      'json',
      '--output',
      file(`s${i}.json`),
    ]);
    expect([0, 1]).toContain(shard.code);
  }
});

afterAll(() => {
  r?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('keyward merge', () => {
  it("turns the shards of a history scan back into the full scan's report", async () => {
    const full = read('full.json');
    const shards = [1, 2, 3].map((i) => read(`s${i}.json`));
    // Deterministic and disjoint: every blob in exactly one shard, the same one every run.
    expect(shards.reduce((n, s) => n + s.scan.blobs, 0)).toBe(full.scan.blobs);
    expect(shards.filter((s) => s.findings.length > 0).length).toBeGreaterThan(1);
    await cli(['scan', '--history', '--shard', '2/3', '--format', 'json', '--output', file('s2-again.json')]);
    expect(read('s2-again.json').findings).toEqual(shards[1]!.findings);

    const merged = await cli([
      'merge',
      file('s1.json'),
      file('s2.json'),
      file('s3.json'),
      '--format',
      'json',
    ]);
    expect(merged.code).toBe(1);
    const report = JSON.parse(merged.stdout) as JsonReport;
    expect(report.findings.map(identity).sort()).toEqual(full.findings.map(identity).sort());
    expect(report.findings).toHaveLength(KEYS.length);
    expect(report.scan).toMatchObject({
      mode: 'history',
      blobs: full.scan.blobs,
      bytes: full.scan.bytes,
      // Every shard counts the commits of the one object store: kept once, not summed.
      commits: full.scan.commits,
      durationMs: shards.reduce((n, s) => n + s.scan.durationMs, 0),
    });
    expect(merged.stderr).toMatch(/^keyward: 6 secrets found .* · merged from 3 reports, /);
    for (const key of KEYS) expect(merged.stdout).not.toContain(key);
  });

  it('drops duplicates, keeping the copy that holds the secret, and counts a repeated file once', async () => {
    const both = await cli([
      'merge',
      file('full.json'),
      file('full-reveal.json'),
      '--format',
      'json',
      '--quiet',
    ]);
    expect(both.code).toBe(1);
    expect((JSON.parse(both.stdout) as JsonReport).findings).toHaveLength(KEYS.length);
    expect(both.stderr).toBe('');

    const out = file('merged-reveal.json');
    const revealed = await cli([
      'merge',
      file('full-reveal.json'),
      file('full-reveal.json'),
      '--format',
      'json',
      '--reveal',
      '-o',
      out,
      '-q',
    ]);
    expect(revealed.code).toBe(1);
    expect(revealed.stderr).toBe(
      `keyward: ${file('full-reveal.json')} is the same report as ${file('full-reveal.json')}: counted once\n`,
    );
    expect(
      read('merged-reveal.json')
        .findings.map((f) => f.secret)
        .sort(),
    ).toEqual([...KEYS].sort());
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('refuses --reveal when an input was written without it', async () => {
    const result = await cli(['merge', file('full-reveal.json'), file('s1.json'), '--reveal']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `keyward: --reveal: ${file('s1.json')} was written without --reveal, so its keys are not there to show\n`,
    });
  });

  it('renders any format; the HTML timeline when run inside the scanned repository', async () => {
    const shards = [file('s1.json'), file('s2.json'), file('s3.json')];
    const sarif = await cli(['merge', ...shards, '--format', 'sarif', '-q']);
    const runs = (JSON.parse(sarif.stdout) as { runs: Array<{ results: unknown[] }> }).runs;
    expect(runs[0]!.results).toHaveLength(KEYS.length);

    await cli(['merge', ...shards, '--format', 'html', '-o', file('in-repo.html'), '-q']);
    const inside = readFileSync(file('in-repo.html'), 'utf8');
    expect(inside).toContain('<table class="timeline">');
    expect(inside).toContain('Branches followed: <code>main</code>');
    expect(inside.match(/<article class="key /g)).toHaveLength(KEYS.length);

    await cli(['merge', ...shards, '--format', 'html', '-o', file('outside.html'), '-q'], dir);
    const outside = readFileSync(file('outside.html'), 'utf8');
    expect(outside).not.toContain('<table class="timeline">');
    expect(outside).toContain('No timeline: git could not tell (');
    expect(outside.match(/<article class="key /g)).toHaveLength(KEYS.length);
  });

  it('exits 0 when the merged reports hold nothing (or nothing at --fail-on)', async () => {
    const clean = { ...read('s1.json'), findings: [] };
    writeFileSync(file('clean.json'), JSON.stringify(clean));
    const result = await cli(['merge', file('clean.json'), file('clean.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no secrets found · merged from 1 report, /);
    expect((await cli(['merge', file('full.json'), '--fail-on', 'critical', '-q'])).code).toBe(1);
    const highOnly = { ...read('full.json') };
    highOnly.findings = highOnly.findings.filter((f) => !f.path.endsWith('k1.txt'));
    writeFileSync(file('high-only.json'), JSON.stringify(highOnly));
    expect((await cli(['merge', file('high-only.json'), '--fail-on', 'critical', '-q'])).code).toBe(0);
  });

  it('says what is wrong with bad input in one line (exit 2)', async () => {
    writeFileSync(file('broken.json'), '{"version":1,');
    writeFileSync(
      file('other.json'),
      JSON.stringify({ ...read('full.json'), scan: { ...read('full.json').scan, mode: 'worktree' } }),
    );
    const noFingerprint = read('full.json') as unknown as { findings: Array<Record<string, unknown>> };
    delete noFingerprint.findings[1]!.fingerprint;
    writeFileSync(file('no-fp.json'), JSON.stringify(noFingerprint));
    const cases: Array<[string[], string]> = [
      [[], 'name the JSON reports to merge: keyward merge <reports..>'],
      [[file('broken.json')], `${file('broken.json')}: cannot read the report (not valid JSON)`],
      [[file('missing.json')], `${file('missing.json')}: cannot read the report (ENOENT)`],
      [[file('no-fp.json')], `${file('no-fp.json')}: cannot read the report (finding 2: no fingerprint)`],
      [
        [file('full.json'), file('other.json')],
        `${file('other.json')}: a worktree report cannot be merged with history reports; merge the shards of one scan`,
      ],
    ];
    for (const [files, message] of cases) {
      expect(await cli(['merge', ...files])).toEqual({
        code: 2,
        stdout: '',
        stderr: `keyward: ${message}\n`,
      });
    }
  });
});
