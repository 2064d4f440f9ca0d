import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey, GIT_ENV, runCli, Scratch, tempDir, type TempRepo } from '@keyward/test-utils';
import type { JsonFinding, JsonReport } from '../src/reporters/json.js';

const scratch = new Scratch();
let work: string;
let api: TempRepo;
let web: TempRepo;
let clean: TempRepo;
const url = (repo: TempRepo) => `file://${repo.dir}`;
const identity = (f: JsonFinding) => `${f.repository} ${f.fingerprint} ${f.path} ${f.commit} ${f.line}`;
const cli = (argv: string[], stdin?: string) =>
  runCli(argv, {
    cwd: work,
    env: { ...GIT_ENV, XDG_CACHE_HOME: join(work, 'xdg') },
    ...(stdin ? { stdin } : {}),
  });
const list = (name: string, lines: string[]) => {
  writeFileSync(join(work, name), `${lines.join('\n')}\n`);
  return name;
};
const read = (name: string) => JSON.parse(readFileSync(join(work, name), 'utf8')) as JsonReport;

/** What `keyward scan --history` finds in one repository, named as the fleet names it. */
async function single(repo: TempRepo, name: string): Promise<string[]> {
  const scan = await runCli(['scan', '--history', '--format', 'json'], { cwd: repo.dir, env: GIT_ENV });
  const report = JSON.parse(scan.stdout) as JsonReport;
  return report.findings.map((f) => identity({ ...f, repository: name })).sort();
}

beforeAll(() => {
  work = tempDir();
  scratch.add(() => execFileSync('rm', ['-rf', work]));
  api = scratch.repo();
  api.commit('config', { '.env': `OPENAI_API_KEY=${fakeKey('openai-project', 41)}\n`, 'README.md': 'api\n' });
  api.commit('move the key out', { '.env': 'OPENAI_API_KEY=${OPENAI_API_KEY}\n' });
  api.commit('admin', { 'ops/admin.txt': `key: ${fakeKey('openai-admin', 42)}\n` });
  web = scratch.repo();
  web.commit('web', { 'src/app.ts': `const groq = "${fakeKey('groq', 43)}";\n` });
  web.commit('again', { 'src/other.ts': `export const k = "${fakeKey('openai-project', 41)}";\n` });
  clean = scratch.repo();
  clean.commit('nothing', { 'a.txt': 'hello\n' });
});

afterAll(() => scratch.clear());

describe('keyward fleet', () => {
  it('audits URLs (mirrored) and paths (in place) as scan --history would, naming each repository', async () => {
    const name = list('repos.txt', ['# the team', url(api), '', `  ${url(web)}  `, clean.dir]);
    const run = await cli(['fleet', name, '--format', 'json', '--jobs', '2']);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.scan.mode).toBe('fleet');
    expect(report.repositories!.map((r) => [r.repository, r.status])).toEqual([
      [url(api), 'audited'],
      [url(web), 'audited'],
      [clean.dir, 'audited'],
    ]);
    const expected = [
      ...(await single(api, url(api))),
      ...(await single(web, url(web))),
      ...(await single(clean, clean.dir)),
    ].sort();
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(report.findings.map(identity).sort()).toEqual(expected);
    expect(report.scan.commits).toBe(3 + 2 + 1);
    // The URLs were mirrored under $XDG_CACHE_HOME/keyward/mirrors, the path was not.
    const mirrors = readdirSync(join(work, 'xdg', 'keyward', 'mirrors'));
    expect(mirrors).toHaveLength(2);
    for (const mirror of mirrors) {
      expect(mirror).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{12}\.git$/);
      expect(existsSync(join(work, 'xdg', 'keyward', 'mirrors', mirror, 'HEAD'))).toBe(true);
    }
  });

  it('fetches into the mirror on a later run: new commits are audited, deleted branches pruned', async () => {
    const repo = scratch.repo();
    repo.commit('one', { 'a.txt': 'nothing yet\n' });
    repo.git('branch', 'doomed');
    const cache = join(work, 'later-cache');
    const name = list('later.txt', [url(repo)]);
    const first = await cli(['fleet', name, '--cache', cache, '--format', 'json']);
    expect(first.code).toBe(0);
    repo.commit('two', { 'b.txt': `token = "${fakeKey('anthropic', 44)}"\n` });
    repo.git('branch', '-D', 'doomed');
    const second = await cli(['fleet', name, '--cache', cache, '--format', 'json']);
    expect(second.code).toBe(1);
    const report = JSON.parse(second.stdout) as JsonReport;
    expect(report.findings.map(identity).sort()).toEqual(await single(repo, url(repo)));
    const [mirror] = readdirSync(cache);
    const branches = execFileSync('git', ['branch', '--list'], {
      cwd: join(cache, mirror!),
      encoding: 'utf8',
    });
    expect(branches).not.toMatch(/doomed/);
  });

  it('lists a repository it cannot fetch, or a shallow one, with why: exit 3, the others still reported', async () => {
    const shallow = join(work, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', url(api), shallow], {
      env: { ...process.env, ...GIT_ENV },
    });
    const missing = `file://${join(work, 'no-such-repo')}`;
    const secretUrl = `https://user:${'tok'}${'3n-s3cr3t'}@127.0.0.1:1/acme/api.git`;
    const name = list('broken.txt', [url(web), missing, shallow, secretUrl]);
    const run = await cli(['fleet', name, '--format', 'json']);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as JsonReport;
    const byName = new Map(report.repositories!.map((r) => [r.repository, r]));
    expect(byName.get(url(web))!.status).toBe('audited');
    expect(byName.get(missing)!.status).toBe('failed');
    expect(byName.get(missing)!.reason).toMatch(/^git clone failed: .*no-such-repo/);
    expect(byName.get(shallow)!.status).toBe('failed');
    expect(byName.get(shallow)!.reason).toMatch(/shallow/);
    // The token in the URL is in no name, reason, file name or line of output.
    expect(byName.get('https://127.0.0.1:1/acme/api.git')!.status).toBe('failed');
    expect(run.stdout + run.stderr).not.toMatch(/3n-s3cr3t/);
    expect(readdirSync(join(work, 'xdg', 'keyward', 'mirrors')).join(' ')).not.toMatch(/3n-s3cr3t/);
    expect(report.findings.map(identity).sort()).toEqual(await single(web, url(web)));
    expect(run.stderr).toContain(`keyward: ${missing}: failed: git clone failed`);
  });

  it('takes the list on stdin; a clean fleet exits 0; --fail-on and --exit-zero work as for scan', async () => {
    const cleanRun = await cli(['fleet', '-', '--format', 'json'], `${clean.dir}\n`);
    expect(cleanRun.code).toBe(0);
    expect((JSON.parse(cleanRun.stdout) as JsonReport).findings).toEqual([]);
    expect((await cli(['fleet', '-', '--exit-zero', '-q'], `${url(web)}\n`)).code).toBe(0);
    // web holds high keys only: failing on critical passes it, api's admin key fails it.
    expect((await cli(['fleet', '-', '--fail-on', 'critical', '-q'], `${url(web)}\n`)).code).toBe(0);
    expect((await cli(['fleet', '-', '--fail-on', 'critical', '-q'], `${url(api)}\n`)).code).toBe(1);
  });

  it('refuses a bad list with one line naming the line (exit 2), before fetching anything', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['ftp-like://host/x'], /^keyward: bad\.txt line 1: ftp-like:\/\/ is not a scheme git clones from/],
      [['# ok', url(web), url(web)], /^keyward: bad\.txt line 3: names the same repository as line 2/],
      [['https://example.test/'], /^keyward: bad\.txt line 1: the URL names no repository/],
      [['# only comments', ''], /^keyward: bad\.txt: no repositories listed/],
    ];
    for (const [lines, message] of cases) {
      const run = await cli(['fleet', list('bad.txt', lines)]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
    const unreadable = await cli(['fleet', 'absent.txt']);
    expect([unreadable.code, unreadable.stderr]).toEqual([
      2,
      'keyward: absent.txt: cannot read the list of repositories (ENOENT)\n',
    ]);
    const shard = await cli(['fleet', list('one.txt', [url(web)]), '--shard', '3/2']);
    expect([shard.code, shard.stderr]).toEqual([2, 'keyward: --shard 3/2: use i/n, with 1 <= i <= n\n']);
  });

  it('shards of every repository merge into the full fleet report (mode fleet, repositories kept)', async () => {
    const name = list('two.txt', [url(api), url(web)]);
    const full = await cli(['fleet', name, '--format', 'json', '--output', 'full.json']);
    expect(full.code).toBe(1);
    for (const i of [1, 2, 3])
      expect([0, 1]).toContain(
        (await cli(['fleet', name, '--shard', `${i}/3`, '--format', 'json', '--output', `s${i}.json`])).code,
      );
    const merged = await cli(['merge', 's1.json', 's2.json', 's3.json', '--format', 'json']);
    expect(merged.code).toBe(1);
    const report = JSON.parse(merged.stdout) as JsonReport;
    const whole = read('full.json');
    expect(report.scan.mode).toBe('fleet');
    expect(report.findings.map(identity).sort()).toEqual(whole.findings.map(identity).sort());
    expect(report.repositories!.map((r) => [r.repository, r.status, r.commits, r.blobs])).toEqual(
      whole.repositories!.map((r) => [r.repository, r.status, r.commits, r.blobs]),
    );
    expect(report.scan.blobs).toBe(whole.scan.blobs);
    // A fleet report and a history report are not one audit.
    await runCli(['scan', '--history', '--format', 'json', '--output', join(work, 'h.json')], {
      cwd: web.dir,
      env: GIT_ENV,
    });
    const mixed = await cli(['merge', 'full.json', 'h.json']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/a history report cannot be merged with fleet reports/);
  });

  it('a merged fleet keeps a repository that failed: exit 3', async () => {
    const name = list('half.txt', [url(web), `file://${join(work, 'gone')}`]);
    expect((await cli(['fleet', name, '--format', 'json', '--output', 'half.json', '-q'])).code).toBe(3);
    const merged = await cli(['merge', 'half.json', 'full.json', '--format', 'json', '-q']);
    expect(merged.code).toBe(3);
    const statuses = (JSON.parse(merged.stdout) as JsonReport).repositories!.map((r) => r.status);
    expect(statuses.sort()).toEqual(['audited', 'audited', 'failed']);
  });

  it('every format names the repository; HTML and text open with the table of repositories', async () => {
    const name = list('fmt.txt', [url(api), clean.dir]);
    const text = await cli(['fleet', name, '-q']);
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      `audited  ${url(api)}  2 keys · 1 at HEAD`,
      `audited  ${clean.dir}  0 keys`,
    ]);
    expect(text.stdout).toContain(`in ${url(api)}`);
    const html = await cli(['fleet', name, '--format', 'html', '-q']);
    const main = html.stdout.slice(html.stdout.indexOf('<main>'));
    expect(main).toMatch(/^<main>\n<section id="repositories"/);
    expect(main).toContain(`<td><code>${url(api)}</code></td><td>audited</td><td class="num">2</td>`);
    const sarif = JSON.parse((await cli(['fleet', name, '--format', 'sarif', '-q'])).stdout) as {
      runs: Array<{ results: Array<{ properties: { repository: string } }> }>;
    };
    expect(sarif.runs[0]!.results.map((r) => r.properties.repository)).toEqual(
      sarif.runs[0]!.results.map(() => url(api)),
    );
    for (const format of ['github', 'gitlab', 'junit'])
      expect((await cli(['fleet', name, '--format', format, '-q'])).stdout).toContain(url(api));
  });

  it('--store keeps one store a repository: the next audit skips the blobs known clean, same findings', async () => {
    const name = list('stored.txt', [url(api), url(web)]);
    const args = ['fleet', name, '--store', 'stores', '--format', 'json', '--cache', 'stored-cache'];
    const first = await cli(args);
    const second = await cli(args);
    expect([first.code, second.code]).toEqual([1, 1]);
    const [a, b] = [first, second].map((r) => JSON.parse(r.stdout) as JsonReport);
    expect(b.findings.map(identity).sort()).toEqual(a.findings.map(identity).sort());
    expect(b.scan.blobs).toBeLessThan(a.scan.blobs);
    expect(readdirSync(join(work, 'stores')).sort()).toEqual(readdirSync(join(work, 'stored-cache')).sort());
  });

  it('has help', async () => {
    const help = await cli(['fleet', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--cache/);
    expect(help.stdout).toMatch(/repositories audited at once/);
  });
});
