import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, runCli, tempDir, type TempRepo } from '@keyward/test-utils';
import { replacementLines } from '../src/commands/replacements-file.js';
import { announceSkip, ensureFilterRepo } from './audit-tools.js';

const PROJECT = fakeKey('openai-project', 951);
const ADMIN = fakeKey('openai-admin', 952);
const ANTHROPIC = fakeKey('anthropic', 953);
const KEYS = [PROJECT, ADMIN, ANTHROPIC];

const filterRepo = ensureFilterRepo();
announceSkip(filterRepo, 'the git filter-repo rewrite');

let r: TempRepo;
let dir: string;
const file = (name: string) => join(dir, name);
const remediate = (argv: string[], cwd = dir) => runCli(['remediate', ...argv], { cwd, env: GIT_ENV });

/** Keys on main (one removed, one still at HEAD), on a branch and under a tag; the --reveal report of it. */
beforeAll(async () => {
  dir = tempDir();
  r = createRepo();
  r.commit('add', { '.env': `OPENAI_API_KEY=${PROJECT}\n`, 'README.md': 'app\n' }, '2026-02-01T00:00:00Z');
  r.commit('remove', { '.env': 'OPENAI_API_KEY=\n' }, '2026-02-02T00:00:00Z');
  r.git('checkout', '-q', '-b', 'ops');
  r.commit(
    'ops',
    { 'ops/admin.sh': `export OPENAI_ADMIN_KEY=${ADMIN} # and again: ${ADMIN}\n` },
    '2026-02-03T00:00:00Z',
  );
  r.git('tag', 'v1');
  r.git('checkout', '-q', 'main');
  r.commit('claude', { 'src/claude.ts': `const key = "${ANTHROPIC}";\n` }, '2026-02-04T00:00:00Z');
  const scan = await runCli(
    ['scan', '--history', '--format', 'json', '--reveal', '--output', file('report.json')],
    {
      cwd: r.dir,
      env: GIT_ENV,
    },
  );
  expect(scan.code).toBe(1);
  await runCli(['scan', '--history', '--format', 'json', '--output', file('redacted.json')], {
    cwd: r.dir,
    env: GIT_ENV,
  });
});

afterAll(() => {
  r?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('keyward remediate', () => {
  it('prints a redacted runbook per key and writes the replacements file, 0600, outside the repository', async () => {
    const out = file('replacements.txt');
    const result = await remediate(['--from', 'report.json', '--output', out]);
    expect(result.code).toBe(0);
    for (const key of KEYS) {
      expect(result.stdout).not.toContain(key);
      expect(result.stderr).not.toContain(key);
    }
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'keyward remediation runbook for report.json: 3 keys (not verified: keyward verify --from checks them)',
    );
    expect(result.stdout).toContain(
      'Rotate first: revoke and replace every key before you rewrite the history.',
    );
    // Worst first: the admin key (critical), then the key still at HEAD, then the removed one.
    const heads = lines.filter((line) => /^\d\. /.test(line));
    expect(heads).toEqual([
      `1. OpenAI admin API key  sk-admin-…${ADMIN.slice(-4)}  (openai-admin-key, critical, not verified)`,
      `2. Anthropic API key  sk-ant-api03-…${ANTHROPIC.slice(-4)}  (anthropic-api-key, high, not verified)`,
      `3. OpenAI project API key  sk-proj-…${PROJECT.slice(-4)}  (openai-project-key, high, not verified)`,
    ]);
    const flat = result.stdout.replace(/\s+/g, ' '); // as read, whatever the wrapping
    expect(flat).toMatch(
      /2 occurrences; introduced 2026-02-03 in commit [0-9a-f]{12} by Ada Tester \(ops\/admin\.sh:1\)/,
    );
    expect(flat).toMatch(
      /1 occurrence; introduced 2026-02-04 in commit [0-9a-f]{12} by Ada Tester \(src\/claude\.ts:1\); still at HEAD/,
    );
    expect(result.stdout).toContain('   a. Revoke: Treat the organisation as exposed.');
    for (const step of [
      'b. Rotate where it is used:',
      'c. Check usage for the exposure window:',
      'd. Purge it from the history:',
    ])
      expect(result.stdout).toContain(step);
    expect(result.stdout).toContain(`  2. Rewrite: \`git filter-repo --replace-text ${out}\``);
    expect(result.stdout).toContain('  4. Force-push every ref:');
    expect(result.stdout).toContain('  6. Everyone re-clones:');
    expect(result.stderr).toBe(
      `keyward: wrote ${out} (mode 0600, 3 keys): it holds the full keys; keep it out of every repository and delete it once the rewrite is pushed\n`,
    );

    expect(statSync(out).mode & 0o777).toBe(0o600);
    const sorted = [...KEYS].sort((a, b) => b.length - a.length);
    expect(readFileSync(out, 'utf8')).toBe(sorted.map((k) => `literal:${k}==>***REMOVED***\n`).join(''));
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces an existing file or symlink in one step, never writing through it or widening it', async () => {
    const out = file('existing.txt');
    writeFileSync(out, 'old\n', { mode: 0o644 });
    expect((await remediate(['--from', 'report.json', '-o', out])).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain('==>***REMOVED***');

    const victim = file('victim.txt');
    writeFileSync(victim, 'keep me\n', { mode: 0o644 });
    const link = file('link.txt');
    symlinkSync(victim, link);
    expect((await remediate(['--from', 'report.json', '-o', link])).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(statSync(link).mode & 0o777).toBe(0o600);
  });

  it('refuses to write the keys inside a work tree, unless git ignores the path', async () => {
    const inside = join(r.dir, 'replacements.txt');
    const refused = await remediate(['--from', file('report.json'), '--output', 'replacements.txt'], r.dir);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: `keyward: ${inside} is inside the git work tree ${r.dir}, one \`git add\` away from committing the keys again; write it outside the repository or to a path git ignores\n`,
    });
    expect(existsSync(inside)).toBe(false);

    writeFileSync(join(r.dir, '.git', 'info', 'exclude'), '*.keys\n');
    const ignored = join(r.dir, 'purge.keys');
    try {
      expect((await remediate(['--from', file('report.json'), '--output', 'purge.keys'], r.dir)).code).toBe(
        0,
      );
      expect(statSync(ignored).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(ignored, { force: true });
      writeFileSync(join(r.dir, '.git', 'info', 'exclude'), '');
    }
  });

  it('says in one line that a redacted report cannot be remediated (exit 2)', async () => {
    expect(await remediate(['--from', 'redacted.json', '--output', file('never.txt')])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'keyward: redacted.json: the report holds only redacted keys, so there is nothing to replace; write it with keyward scan --history --format json --reveal --output <file>\n',
    });
    expect(existsSync(file('never.txt'))).toBe(false);
  });

  it('prints the runbook alone without --output, and has nothing to do for an empty report', async () => {
    const runbook = await remediate(['--from', 'report.json']);
    expect(runbook.code).toBe(0);
    expect(runbook.stdout).toContain('`git filter-repo --replace-text <replacements file>`');
    expect(runbook.stderr).toBe(
      'keyward: no replacements file written: add --output <file> (outside the repository) to write one\n',
    );

    const empty = { ...(JSON.parse(readFileSync(file('report.json'), 'utf8')) as object), findings: [] };
    writeFileSync(file('empty.json'), JSON.stringify(empty));
    expect(await remediate(['--from', 'empty.json', '--output', file('none.txt')])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'keyward: empty.json lists no keys: nothing to remediate\n',
    });
    expect(existsSync(file('none.txt'))).toBe(false);
    expect(await remediate([])).toMatchObject({
      code: 2,
      stderr: 'keyward: name the report: keyward remediate --from <report.json>\n',
    });
  });

  it.skipIf(!filterRepo.ready)(
    'makes git filter-repo rewrite every branch and tag until keyward scan --history finds nothing',
    async () => {
      const out = file('purge.txt');
      expect((await remediate(['--from', 'report.json', '--output', out])).code).toBe(0);
      const mirror = join(dir, 'purge.git');
      const git = (args: string[], cwd = mirror) =>
        execFileSync('git', args, {
          cwd,
          env: { ...process.env, ...GIT_ENV },
          encoding: 'utf8',
          stdio: 'pipe',
        });
      git(['clone', '-q', '--mirror', `file://${r.dir}`, mirror], dir);
      git(['filter-repo', '--replace-text', out]);

      const after = await runCli(['scan', '--history', '--format', 'json'], { cwd: mirror, env: GIT_ENV });
      expect(after.stderr).toMatch(/no secrets found/);
      expect(after.code).toBe(0);
      expect((JSON.parse(after.stdout) as { findings: unknown[] }).findings).toEqual([]);
      const everything = git(['log', '--all', '-p', '--format=%H']);
      for (const key of KEYS) expect(everything).not.toContain(key);
      expect(git(['show', 'v1:ops/admin.sh'])).toBe(
        'export OPENAI_ADMIN_KEY=***REMOVED*** # and again: ***REMOVED***\n',
      );
      expect(git(['show', 'main:src/claude.ts'])).toBe('const key = "***REMOVED***";\n');
    },
    60_000,
  );
});

describe('replacementLines', () => {
  it('puts longer keys first, so a key inside another leaves nothing of the longer one behind', () => {
    const inner = 'abcd1234efgh5678';
    const outer = `xy-${inner}-zw`;
    expect(replacementLines([inner, outer, inner, '']).text).toBe(
      `literal:${outer}==>***REMOVED***\nliteral:${inner}==>***REMOVED***\n`,
    );
  });

  it('leaves out a key holding a line break (one expression a line) and counts it', () => {
    expect(replacementLines(['one\ntwo', 'plain-secret-value'])).toEqual({
      text: 'literal:plain-secret-value==>***REMOVED***\n',
      count: 1,
      skipped: 1,
    });
  });
});
