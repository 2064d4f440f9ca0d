import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKey, runCli, tempDir } from '@keyward/test-utils';

let dir: string;
const write = (files: Record<string, string | Uint8Array>) => {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
};
const scan = (...argv: string[]) => runCli(['scan', ...argv], { cwd: dir });

beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const project = fakeKey('openai-project', 21);
const admin = fakeKey('openai-admin', 22);

describe('keyward scan (working tree)', () => {
  it('reports a key, redacted, on stdout with the summary on stderr, and exits 1', async () => {
    write({ 'src/config.ts': `export const key = "${project}";\n`, 'README.md': 'nothing\n' });
    const r = await scan();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('src/config.ts');
    expect(r.stdout).toContain('openai-project-key');
    expect(r.stdout).toContain(`sk-proj-…${project.slice(-4)}`);
    expect(r.stdout + r.stderr).not.toContain(project);
    expect(r.stderr).toMatch(/1 secret found/);
    expect(r.stderr).toMatch(/2 files/);
  });

  it('exits 0 on a clean tree', async () => {
    write({ 'a.txt': 'hello\n' });
    const r = await scan();
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toMatch(/no secrets found/);
  });

  it('writes the DESIGN §3 JSON report; --reveal adds the secret', async () => {
    write({ 'app/.env': `OPENAI_ADMIN_KEY=${admin}\n` });
    const r = await scan('--format', 'json');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      version: 1,
      tool: { name: 'keyward' },
      scan: { mode: 'worktree', files: 1 },
    });
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'openai-admin-key',
        severity: 'critical',
        path: 'app/.env',
        line: 1,
        column: 18,
        endLine: 1,
        endColumn: 18 + admin.length,
        redacted: `sk-admin-…${admin.slice(-4)}`,
      }),
    ]);
    expect(report.findings[0].secret).toBeUndefined();
    const revealed = JSON.parse((await scan('--format', 'json', '--reveal')).stdout);
    expect(revealed.findings[0].secret).toBe(admin);
  });

  it('honours nested .gitignore, negation and .keywardignore, counts what it skips, and scans named paths', async () => {
    write({
      '.gitignore': 'build/\n*.log\n',
      'build/out.js': `k="${project}"`,
      'logs/app.log': `k="${project}"`,
      'logs/.gitignore': '!keep.log\n',
      'logs/keep.log': `k="${admin}"`,
      '.keywardignore': 'fixtures/\n',
      'fixtures/sample.txt': `k="${project}"`,
      'node_modules/dep/index.js': `k="${project}"`,
    });
    const r = await scan('--format', 'json');
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { path: string }) => f.path)).toEqual(['logs/keep.log']);
    expect(r.stderr).toMatch(/4 ignored/);
    const named = JSON.parse((await scan('--format', 'json', 'build/out.js')).stdout);
    expect(named.findings.map((f: { path: string }) => f.path)).toEqual(['build/out.js']);
    const all = JSON.parse((await scan('--format', 'json', '--no-ignore')).stdout);
    expect(all.findings).toHaveLength(5);
  });

  it('skips binary and oversized files and says so', async () => {
    write({
      'img.bin': new Uint8Array([0, 1, 2, ...Buffer.from(project)]),
      'big.txt': `${'x'.repeat(2048)}\n${project}`,
    });
    const r = await scan('--max-blob-size', '1KB');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 binary/);
    expect(r.stderr).toMatch(/1 too large/);
  });

  it('never follows symlinks it finds, and reports a broken named one as incomplete (exit 3)', async () => {
    write({ 'real/secret.txt': `k="${project}"`, 'ok.txt': 'hi' });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'broken'));
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    const r = await scan('--format', 'json');
    expect(JSON.parse(r.stdout).findings.map((f: { path: string }) => f.path)).toEqual(['real/secret.txt']);
    expect(r.stderr).toMatch(/3 links/);
    const broken = await scan('broken', 'ok.txt');
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/broken: broken symbolic link/);
    const loop = await scan('loop');
    expect(loop.code).toBe(3);
    expect(loop.stderr).toMatch(/loop: symbolic link loop/);
  });

  it('finds keys in invalid UTF-8 and at the end of a 50 MB single-line minified file', async () => {
    const line = 'var a=1,b="x";'.repeat(Math.ceil(50e6 / 14));
    write({
      'bad.txt': new Uint8Array([0xc3, 0x28, 0x0a, ...Buffer.from(`k="${project}"`)]),
      'min.js': `${line};k="${admin}"`,
    });
    const r = await scan('--format', 'json');
    expect(
      JSON.parse(r.stdout)
        .findings.map((f: { ruleId: string }) => f.ruleId)
        .sort(),
    ).toEqual(['openai-admin-key', 'openai-project-key']);
  });

  it('a missing path is one line and exit 2, and the rest is still scanned', async () => {
    write({ 'a.txt': `k="${project}"` });
    const r = await scan('missing-dir', 'a.txt');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keyward: missing-dir: no such file or directory\n');
    expect(r.stdout).toContain('a.txt');
  });

  it('`-` as a path says that standard input is --stdin', async () => {
    const r = await scan('-');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'keyward: -: no such file or directory (standard input is scanned with --stdin)\n',
    );
  });

  // Linux file names are bytes; macOS and Windows refuse names that are not valid UTF-8.
  it.skipIf(process.platform !== 'linux')(
    'scans files whose names are not valid UTF-8, and a folder of that kind by its own ignore file',
    async () => {
      const bytes = (...parts: Array<string | number>) =>
        Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from([p]))));
      const folder = bytes(`${dir}/d`, 0xe9, 'j', 0xe0);
      mkdirSync(folder);
      writeFileSync(Buffer.concat([folder, bytes('/k', 0xff, 'y.txt')]), `k="${project}"\n`);
      writeFileSync(Buffer.concat([folder, bytes('/.gitignore')]), '*.env\n');
      writeFileSync(Buffer.concat([folder, bytes('/local.env')]), `k="${admin}"\n`);
      writeFileSync(bytes(`${dir}/top`, 0xfe, '.py'), `k="${admin}"\n`);
      const r = await scan('--format', 'json');
      expect(r.code).toBe(1);
      const found = JSON.parse(r.stdout).findings.map(
        (f: { path: string; ruleId: string }) => `${f.ruleId} ${f.path}`,
      );
      expect(found.sort()).toEqual([
        'openai-admin-key top\uFFFD.py',
        'openai-project-key d\uFFFDj\uFFFD/k\uFFFDy.txt',
      ]);
      expect(r.stderr).toMatch(/1 ignored/);
    },
  );

  it('an unknown flag or a malformed config is one line and exit 2, never a stack trace', async () => {
    const flag = await scan('--frobnicate');
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    write({ 'keyward.config.json': '{ "rules": ', 'a.txt': 'x' });
    const config = await scan();
    expect(config.code).toBe(2);
    expect(config.stderr.trim().split('\n')).toHaveLength(1);
    expect(config.stderr).toContain('keyward.config.json');
    expect(config.stderr).not.toMatch(/\n\s+at /);
  });

  it('counts inline-allowed keys as suppressed and exits 0', async () => {
    write({ 'a.py': `KEY = "${project}"  # keyward:allow\n` });
    const r = await scan();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 inline/);
  });

  it('never opens special files (a FIFO would block the scan)', async () => {
    write({ 'a.txt': 'x' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const r = await scan();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 unreadable/);
  });
});
