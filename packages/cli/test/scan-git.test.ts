import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '@keyward/cli';
import { fakeKey, GIT_ENV, runCli, tempDir, type TempRepo, Scratch } from '@keyward/test-utils';
import { STAGED_IN_CI } from '../src/commands/scan.js';

const PROJECT = fakeKey('openai-project', 501);
const ADMIN = fakeKey('openai-admin', 502);
const ANTHROPIC = fakeKey('anthropic', 503);

const scratch = new Scratch();
afterEach(() => scratch.clear());
/** keyward in the repo, with git config isolated like the repo's own commands. */
const scan = (r: TempRepo | string, argv: string[], stdin?: string) =>
  runCli(['scan', ...argv], {
    cwd: typeof r === 'string' ? r : r.dir,
    env: GIT_ENV,
    ...(stdin !== undefined ? { stdin } : {}),
  });
const json = (stdout: string) =>
  JSON.parse(stdout) as { scan: Record<string, unknown>; findings: Array<Record<string, unknown>> };

describe('keyward scan --staged', () => {
  it('fails the commit for a staged key, from the index, on added lines only', async () => {
    const r = scratch.repo();
    r.commit('base', { 'old.env': `OLD=${ADMIN}\n` });
    r.write({ 'src/config.ts': `export const key = "${PROJECT}";\n`, 'old.env': `OLD=${ADMIN}\nA=1\n` });
    r.git('add', '.');
    const result = await scan(r, ['--staged', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = json(result.stdout);
    expect(report.scan).toMatchObject({ mode: 'staged', blobs: 2 });
    expect(report.findings).toEqual([
      expect.objectContaining({ ruleId: 'openai-project-key', path: 'src/config.ts', line: 1 }),
    ]);
  });

  it('passes when the key is only in the working tree, and on an empty index', async () => {
    const r = scratch.repo();
    expect((await scan(r, ['--staged'])).code).toBe(0);
    r.commit('base', { 'a.txt': 'a\n' });
    r.write({ 'a.txt': `a\n${PROJECT}\n` });
    const result = await scan(r, ['--staged']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('in CI with nothing staged, says that nothing was scanned and how to scan commits (exit 0)', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'a\n' });
    const inCi = (argv: string[] = []) =>
      runCli(['scan', '--staged', ...argv], { cwd: r.dir, env: { ...GIT_ENV, CI: 'true' } });
    const empty = await inCi();
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain(`keyward: ${STAGED_IN_CI}\n`);
    // Not outside CI (a hook on an empty commit), not with something staged, not with paths named.
    expect((await scan(r, ['--staged'])).stderr).not.toContain(STAGED_IN_CI);
    expect((await inCi(['a.txt'])).stderr).not.toContain(STAGED_IN_CI);
    r.write({ 'b.txt': 'b\n' });
    r.git('add', 'b.txt');
    expect((await inCi()).stderr).not.toContain(STAGED_IN_CI);
  });

  it('takes lint-staged style absolute paths', async () => {
    const r = scratch.repo();
    r.write({ 'a.ts': `const k = "${PROJECT}";\n`, 'b.ts': `const k = "${ANTHROPIC}";\n` });
    r.git('add', '.');
    const result = await scan(r, ['--staged', '--format', 'json', join(r.dir, 'b.ts')]);
    expect(json(result.stdout).findings.map((f) => f.path)).toEqual(['b.ts']);
  });

  it("honours the config's ignorePaths and .keywardignore; --no-ignore turns them off", async () => {
    const r = scratch.repo();
    r.write({
      'keyward.config.json': JSON.stringify({ ignorePaths: ['fixtures/'] }),
      '.keywardignore': 'docs/*.md\n',
      'fixtures/keys.txt': `${PROJECT}\n`,
      'docs/example.md': `${ADMIN}\n`,
    });
    r.git('add', '.');
    const result = await scan(r, ['--staged']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/2 ignored/);
    expect((await scan(r, ['--staged', '--no-ignore'])).code).toBe(1);
  });

  it('honours a .keywardignore in a subfolder, with re-inclusion, in staged and history scans', async () => {
    const r = scratch.repo();
    r.write({
      'packages/app/.keywardignore': 'samples/\n*.example\n!keep.example\n',
      'packages/app/samples/demo.ts': `const key = "${PROJECT}";\n`,
      'packages/app/.env.example': `OPENAI_API_KEY=${ADMIN}\n`,
      'packages/app/keep.example': `OPENAI_API_KEY=${PROJECT}\n`,
      // A sibling folder's ignore file does not reach here.
      'packages/lib/.env.example': `# lib\nOPENAI_API_KEY=${ADMIN}\n`,
    });
    r.git('add', '.');
    const staged = await scan(r, ['--staged', '--format', 'json']);
    expect(
      json(staged.stdout)
        .findings.map((f) => f.path)
        .sort(),
    ).toEqual(['packages/app/keep.example', 'packages/lib/.env.example']);
    expect(staged.stderr).toMatch(/2 ignored/);
    r.commit('add');
    const history = await scan(r, ['--history', '--format', 'json']);
    const reported = json(history.stdout).findings.map((f) => f.path);
    expect(reported).not.toContain('packages/app/samples/demo.ts');
    expect(reported).not.toContain('packages/app/.env.example');
    expect(reported).toContain('packages/app/keep.example');
    expect(reported).toContain('packages/lib/.env.example');
  });

  it('says so in one line outside a repository (exit 2)', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const result = await scan(dir, ['--staged']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`keyward: ${dir} is not inside a git repository\n`);
  });
});

describe('keyward scan --staged, a large change (HEAD read only for files with findings)', () => {
  const MOVED = fakeKey('openai-svcacct', 504);
  const UNSTAGED = fakeKey('groq', 505);
  const BINARY = fakeKey('xai', 506);
  const CONTEXT = fakeKey('anthropic', 507);

  /**
   * A refactor over `files` files (each gets one line edited), with keys on added lines, on unchanged
   * lines, in a rename, in a partially staged file, in a binary file and inside a multi-line construct.
   * 70 files is beyond DEFER_DIFF_MIN_FILES (32), 10 is below: both must report the same.
   */
  async function largeChange(files: number) {
    const r = scratch.repo();
    const body = (i: number, edit: string) =>
      Array.from({ length: 30 }, (_, n) => (n === 10 ? edit : `export const v${i}_${n} = ${n};`)).join('\n') +
      '\n';
    const base: Record<string, string> = {};
    for (let i = 0; i < files; i++) base[`src/f${i}.ts`] = body(i, 'const old = 1;');
    base['src/f2.ts'] = `const kept = "${ADMIN}";\n${body(2, 'const old = 1;')}`;
    base['src/old-name.ts'] = `const before = "${ANTHROPIC}";\n${body(99, 'const old = 1;')}`;
    base['src/settings.ts'] = 'export const settings = {\n  apiKey:\n    "placeholder",\n};\n';
    base['docs/partial.md'] = 'one\ntwo\n';
    r.commit('base', base);
    const next: Record<string, string> = {};
    for (let i = 0; i < files; i++) next[`src/f${i}.ts`] = body(i, 'const renamed = 1;');
    next['src/f1.ts'] = body(1, `const added = "${PROJECT}";`);
    next['src/f2.ts'] = `const kept = "${ADMIN}";\n${body(2, 'const renamed = 1;')}`;
    next['src/settings.ts'] = `export const settings = {\n  apiKey:\n    "${CONTEXT}",\n};\n`;
    next['docs/partial.md'] = `one\nstaged = "${PROJECT}"\ntwo\n`;
    r.write(next);
    r.git('mv', 'src/old-name.ts', 'src/new-name.ts');
    r.write({
      'src/new-name.ts': `const before = "${ANTHROPIC}";\n${body(99, `const moved = "${MOVED}";`)}`,
    });
    writeFileSync(join(r.dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(BINARY)]));
    r.git('add', '-A');
    // Partially staged: the working tree holds a key that is not staged.
    r.write({ 'docs/partial.md': `one\nstaged = "${PROJECT}"\ntwo\nunstaged = "${UNSTAGED}"\n` });
    const result = await scan(r, ['--staged', '--format', 'json']);
    const report = json(result.stdout);
    const found = report.findings
      .map((f) => `${String(f.path)}:${String(f.line)} ${String(f.ruleId)}`)
      .sort();
    return { code: result.code, found, report, stderr: result.stderr };
  }

  it.each([70, 10])(
    '%i files: keys on added lines found, none on unchanged lines, renames, partial staging, binary skipped',
    async (files) => {
      const { code, found, report, stderr } = await largeChange(files);
      expect(code).toBe(1);
      expect(found).toEqual([
        'docs/partial.md:2 openai-project-key',
        'src/f1.ts:11 openai-project-key',
        'src/new-name.ts:12 openai-service-account-key',
        'src/settings.ts:3 anthropic-api-key',
      ]);
      expect(report.scan).toMatchObject({ mode: 'staged', blobs: files + 3 });
      expect(stderr).toMatch(/1 binary/);
    },
  );
});

describe('keyward scan --range / --since', () => {
  function history(): { r: TempRepo; base: string; added: string } {
    const r = scratch.repo();
    const base = r.commit('base', { 'README.md': 'hi\n' });
    const added = r.commit('add', { 'app/.env': `OPENAI_API_KEY=${PROJECT}\n` }, '2026-03-04T05:06:07Z');
    r.commit('remove', { 'app/.env': 'OPENAI_API_KEY=\n' });
    return { r, base, added };
  }

  it('finds a key added and removed again, with commit, author and date; a working-tree scan does not', async () => {
    const { r, base, added } = history();
    const result = await scan(r, ['--range', `${base}..HEAD`, '--format', 'json']);
    expect(result.code).toBe(1);
    const report = json(result.stdout);
    expect(report.scan).toMatchObject({ mode: 'range', commits: 2 });
    expect(report.findings).toEqual([
      expect.objectContaining({
        path: 'app/.env',
        line: 1,
        commit: added,
        author: 'Ada Tester',
        date: '2026-03-04T05:06:07+00:00',
      }),
    ]);
    expect((await scan(r, [])).code).toBe(0);
    const since = await scan(r, ['--since', base, '--format', 'json']);
    expect(json(since.stdout).findings).toHaveLength(1);
  });

  it('exits 2 for malformed range syntax and 3 for a range it cannot resolve', async () => {
    const { r } = history();
    const malformed = await scan(r, ['--range', 'HEAD']);
    expect(malformed).toMatchObject({ code: 2, stdout: '' });
    expect(malformed.stderr).toMatch(/HEAD: not a commit range/);
    const unresolved = await scan(r, ['--range', 'origin/main..HEAD']);
    expect(unresolved.code).toBe(3);
    expect(unresolved.stderr).toMatch(/cannot resolve origin\/main; fetch more history .*fetch-depth: 0/);
  });

  it('exits 3 with "no commits yet" (no fetch hint) for --since in a repository without commits', async () => {
    const result = await scan(scratch.repo(), ['--since', 'HEAD']);
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toMatch(/HEAD\.\.HEAD: the repository has no commits yet/);
    expect(result.stderr).not.toMatch(/fetch/);
  });

  it('exits 3 when a shallow clone cuts the range', async () => {
    const r = scratch.repo();
    r.commit('one', { 'a.txt': '1\n' });
    for (let i = 2; i <= 4; i++) r.commit(`c${i}`, { 'a.txt': `${i}\n` });
    const dir = join(tempDir(), 'shallow');
    scratch.add(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
    execFileSync('git', ['clone', '-q', '--depth=2', `file://${r.dir}`, dir], {
      env: { ...process.env, ...GIT_ENV },
    });
    const result = await scan(dir, ['--range', 'HEAD~3..HEAD']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the clone is shallow/);
  });
});

describe('keyward scan --pre-push', () => {
  it('scans exactly the pushed commits, read from the hook stdin', async () => {
    const remote = scratch.repo({ bare: true });
    const r = scratch.repo();
    r.commit('old key', { 'old.txt': `${ADMIN}\n` });
    const pushed = r.commit('two', { 'a.txt': 'a\n' });
    r.git('remote', 'add', 'origin', remote.dir);
    r.git('push', '-q', 'origin', 'main');
    const clean = await scan(
      r,
      ['--pre-push', 'origin'],
      `refs/heads/main ${pushed} refs/heads/main ${pushed}\n`,
    );
    expect(clean.code).toBe(0);
    const head = r.commit('new key', { 'b.txt': `${PROJECT}\n` });
    const result = await scan(
      r,
      ['--pre-push', 'origin', '--format', 'json'],
      `refs/heads/main ${head} refs/heads/main ${pushed}\n`,
    );
    expect(result.code).toBe(1);
    expect(json(result.stdout).findings.map((f) => [f.path, f.commit])).toEqual([['b.txt', head]]);
    const bad = await scan(r, ['--pre-push', 'origin'], 'not a pre-push line\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/pre-push input line 1 is not/);
  });

  it("under the pre-commit framework, scans the refs it exports instead of git's stdin (read by pre-commit)", async () => {
    const remote = scratch.repo({ bare: true });
    const r = scratch.repo();
    r.commit('old key', { 'old.txt': `${ADMIN}\n` });
    const pushed = r.commit('two', { 'a.txt': 'a\n' });
    r.git('remote', 'add', 'origin', remote.dir);
    r.git('push', '-q', 'origin', 'main');
    const head = r.commit('new key', { 'b.txt': `${PROJECT}\n` });
    const framework = (env: Record<string, string>) =>
      runCli(['scan', '--pre-push', '--format', 'json'], {
        cwd: r.dir,
        env: { ...GIT_ENV, PRE_COMMIT: '1', ...env },
      });
    const range = await framework({
      PRE_COMMIT_FROM_REF: pushed,
      PRE_COMMIT_TO_REF: head,
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main',
      PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/main',
      PRE_COMMIT_REMOTE_NAME: 'origin',
      PRE_COMMIT_REMOTE_URL: remote.dir,
    });
    expect(range.code).toBe(1);
    const report = json(range.stdout);
    expect(report.scan).toMatchObject({ mode: 'pre-push', commits: 1 });
    expect(report.findings.map((f) => [f.path, f.commit])).toEqual([['b.txt', head]]);
    expect(range.stderr).toContain('keyward: remove each key from the change');
    expect(range.stderr).not.toContain(PROJECT);
    // A push starting at a root commit: pre-commit names only the branches and the remote.
    r.git('checkout', '-q', '--orphan', 'fresh');
    r.git('rm', '-q', '-r', '--cached', '.');
    r.git('clean', '-q', '-f');
    const root = r.commit('fresh start', { 'c.txt': `${ANTHROPIC}\n` });
    const fresh = await framework({
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/fresh',
      PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/fresh',
      PRE_COMMIT_REMOTE_NAME: 'origin',
      PRE_COMMIT_REMOTE_URL: remote.dir,
    });
    expect(fresh.code).toBe(1);
    expect(json(fresh.stdout).findings.map((f) => [f.path, f.commit])).toEqual([['c.txt', root]]);
    // `pre-commit run --hook-stage push` with no refs: an empty stdin, nothing to scan.
    const nothing = await framework({});
    expect(nothing.code).toBe(0);
    expect(json(nothing.stdout).scan).toMatchObject({ mode: 'pre-push', commits: 0 });
    // A range that does not resolve is an incomplete scan (exit 3), never a clean one.
    const unresolved = await framework({ PRE_COMMIT_FROM_REF: 'missing', PRE_COMMIT_TO_REF: head });
    expect(unresolved.code).toBe(3);
    expect(unresolved.stderr).toMatch(/missing\.\.[0-9a-f]{40}: cannot resolve missing/);
  });
});

describe('keyward scan --history', () => {
  it('audits every blob: removed, unreachable and still-present keys, with provenance', async () => {
    const r = scratch.repo();
    const added = r.commit('add', { 'config.env': `KEY=${PROJECT}\n`, 'keep.txt': `${ANTHROPIC}\n` });
    r.commit('remove', { 'config.env': 'KEY=\n' });
    const lost = r.commit('lost', { 'lost.txt': `${ADMIN}\n` });
    r.git('reset', '-q', '--hard', 'HEAD~1');
    const result = await scan(r, ['--history', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = json(result.stdout);
    expect(report.scan).toMatchObject({ mode: 'history' });
    const byPath = new Map(report.findings.map((f) => [f.path, f]));
    expect(byPath.get('config.env')).toMatchObject({
      commit: added,
      author: 'Ada Tester',
      reachable: true,
      presentAtHead: false,
    });
    expect(byPath.get('keep.txt')).toMatchObject({ reachable: true, presentAtHead: true });
    expect(byPath.get('lost.txt')).toMatchObject({ reachable: false, commit: lost });
    expect(result.stdout).not.toContain(PROJECT);
  });

  it('shards deterministically, and refuses history options without --history', async () => {
    const r = scratch.repo();
    r.commit('keys', { 'a.txt': `${PROJECT}\n`, 'b.txt': `${ADMIN}\n`, 'c.txt': `${ANTHROPIC}\n` });
    const counts: number[] = [];
    for (const shard of ['1/2', '2/2']) {
      counts.push(
        json((await scan(r, ['--history', '--shard', shard, '--format', 'json'])).stdout).findings.length,
      );
    }
    expect(counts[0]! + counts[1]!).toBe(3);
    const bad = await scan(r, ['--history', '--shard', '3/2']);
    expect(bad).toMatchObject({ code: 2, stderr: 'keyward: --shard 3/2: use i/n, with 1 <= i <= n\n' });
    const wrong = await scan(r, ['--shard', '1/2']);
    expect(wrong).toMatchObject({ code: 2, stderr: 'keyward: --shard works with --history only\n' });
  });

  it('draws progress on a terminal stderr, erased before the summary line, and none in CI', async () => {
    const r = scratch.repo();
    r.commit('one', { 'a.txt': `${PROJECT}\n`, 'b.txt': 'b\n' });
    const runWithTty = async (env: Record<string, string | undefined>) => {
      let stderr = '';
      const code = await run(['scan', '--history'], {
        stdout: { write: () => true },
        stderr: { write: (chunk: string | Uint8Array) => (stderr += chunk.toString()), isTTY: true },
        stdin: Readable.from([]),
        env: { ...process.env, ...GIT_ENV, CI: undefined, NO_COLOR: '1', ...env },
        cwd: r.dir,
      });
      return { code, stderr };
    };
    const tty = await runWithTty({});
    expect(tty.code).toBe(1);
    const erase = '\r\x1b[K';
    expect(tty.stderr.startsWith(`${erase}history `)).toBe(true);
    expect(tty.stderr).toMatch(/history \d\/2 blobs/);
    expect(tty.stderr).toContain(`${erase}keyward: 1 secret found`);
    const ci = await runWithTty({ CI: 'true' });
    expect(ci.stderr).not.toContain('\r');
  });

  it('exits 3 on a shallow clone instead of reporting it clean', async () => {
    const r = scratch.repo();
    r.commit('one', { 'a.txt': `${PROJECT}\n` });
    r.commit('two', { 'a.txt': 'gone\n' });
    const dir = join(tempDir(), 'shallow');
    scratch.add(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
    execFileSync('git', ['clone', '-q', '--depth=1', `file://${r.dir}`, dir], {
      env: { ...process.env, ...GIT_ENV },
    });
    const result = await scan(dir, ['--history']);
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toMatch(/history is incomplete \(the clone is shallow\); .*git fetch --unshallow/);
  });
});

describe('keyward scan --stdin', () => {
  it('scans standard input under --stdin-name', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const result = await runCli(['scan', '--stdin', '--stdin-name', 'logs/app.log', '--format', 'json'], {
      cwd: dir,
      stdin: `line one\nAuthorization: Bearer ${PROJECT}\n`,
    });
    expect(result.code).toBe(1);
    expect(json(result.stdout).findings).toEqual([
      expect.objectContaining({ path: 'logs/app.log', line: 2 }),
    ]);
    expect(json(result.stdout).scan).toMatchObject({ mode: 'stdin', files: 1 });
  });
});
