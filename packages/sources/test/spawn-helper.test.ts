import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { fifoMaker, runGit, startGit, type GitContext } from '../src/git/exec.js';
import { makeFifos } from '../src/git/fifos.js';
import { findOnPath } from '../src/git/on-path.js';
import { helperAvailable } from '../src/git/spawn-helper.js';
import { ENV } from './helpers.js';

/** Every chunk of a started git's output, and how it ended. */
async function streamed(context: GitContext, args: string[], input = '') {
  const { child, exited } = startGit(args, context, input);
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) chunks.push(chunk);
  return { out: Buffer.concat(chunks), code: await exited };
}

describe.skipIf(!helperAvailable())('git started through the spawn helper', () => {
  let repo: TempRepo;
  let blobs: string[];
  const tmp = process.env.TMPDIR;
  let folderRoot: string;
  const pipeFolders = () => readdirSync(folderRoot).filter((name) => name.startsWith('keyward-pipes-'));
  const direct = (): GitContext => ({ cwd: repo.dir, env: ENV });
  const helped = (): GitContext => ({ cwd: repo.dir, env: ENV, viaHelper: true });

  beforeAll(() => {
    // The helper's private folders go under TMPDIR: one of our own shows that none is left behind.
    folderRoot = mkdtempSync(join(tmpdir(), 'kw-spawn-helper-'));
    process.env.TMPDIR = folderRoot;
    repo = createRepo();
    // Seeded-size random files (not keys): a few MB of output to stream.
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 40; i++) files[`data-${i}.bin`] = randomBytes(64 * 1024 + i);
    repo.commit('data', files);
    blobs = repo
      .git('rev-list', '--objects', '--all', '--no-object-names', '--filter=object:type=blob')
      .split('\n');
  });
  afterAll(() => {
    process.env.TMPDIR = tmp;
    rmSync(folderRoot, { recursive: true, force: true });
    repo.cleanup();
  });

  it('gives the same output, input, errors and exit codes as git started directly', async () => {
    for (const [args, input] of [
      [['rev-parse', 'HEAD'], ''],
      [['cat-file', '--batch-check'], `${blobs.join('\n')}\nnot-an-object\n`],
      [['rev-parse', '--verify', 'no-such-branch'], ''],
      [['log', '--format=%H %s', '--all'], ''],
    ] as const) {
      const a = await runGit([...args], direct(), { allowFail: true, input });
      const b = await runGit([...args], helped(), { allowFail: true, input });
      expect(b.code).toBe(a.code);
      expect(b.stdout.toString('latin1')).toBe(a.stdout.toString('latin1'));
      expect(b.stderr).toBe(a.stderr);
    }
    const failed = await runGit(['rev-parse', '--verify', 'no-such-branch'], helped()).catch(
      (e: unknown) => e,
    );
    expect(failed).toMatchObject({ code: 'E_GIT_FAILED', data: { command: 'rev-parse' } });
    expect(pipeFolders()).toEqual([]);
  });

  it('streams megabytes of output, many commands at once, byte for byte', async () => {
    const args = ['cat-file', '--batch'];
    const input = `${blobs.join('\n')}\n`;
    const expected = await streamed(direct(), args, input);
    expect(expected.out.length).toBeGreaterThan(40 * 64 * 1024);
    const runs = await Promise.all(Array.from({ length: 6 }, () => streamed(helped(), args, input)));
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.out.equals(expected.out)).toBe(true);
    }
    expect(pipeFolders()).toEqual([]);
  });

  it('passes every argument as it is: quotes, spaces and shell syntax are not interpreted', async () => {
    const value = `it's "quoted" $HOME \`echo no\` $(echo no) ; | & \\ *`;
    const args = ['-c', `keyward.test=${value}`, 'config', '--get', 'keyward.test'];
    const { stdout } = await runGit(args, helped());
    expect(stdout.toString('utf8')).toBe(`${value}\n`);
    // A newline stays inside its quoted word.
    const multiline = ['-c', 'keyward.test=a\nb', 'config', '--get', 'keyward.test'];
    expect((await runGit(multiline, helped())).stdout.toString('utf8')).toBe('a\nb\n');
  });

  it('runs in a folder whose name the shell would otherwise read', async () => {
    const dir = join(folderRoot, `it's a "dir" $HOME \`x\`\nline`);
    mkdirSync(dir);
    const odd = createRepo({ dir });
    try {
      odd.commit('one', { 'a.txt': 'a\n' });
      const a = await runGit(['log', '--format=%H %s'], { cwd: odd.dir, env: ENV });
      const b = await runGit(['log', '--format=%H %s'], { cwd: odd.dir, env: ENV, viaHelper: true });
      expect(b.stdout.toString('utf8')).toBe(a.stdout.toString('utf8'));
    } finally {
      odd.cleanup();
    }
  });

  it('stops a command whose output is no longer wanted', async () => {
    const { child, exited } = startGit(['cat-file', '--batch'], helped(), `${blobs.join('\n')}\n`);
    for await (const _chunk of child.stdout as AsyncIterable<Buffer>) break; // one chunk, then stop
    child.kill();
    expect(await exited).not.toBe(0);
    expect(pipeFolders()).toEqual([]);
  });

  it('says the folder is no repository, or git is missing, as a direct start does', async () => {
    const gone = join(repo.dir, 'no-such-dir');
    const direct1 = await runGit(['status'], { cwd: gone, env: ENV }).catch((e: unknown) => e);
    const helped1 = await runGit(['status'], { cwd: gone, env: ENV, viaHelper: true }).catch(
      (e: unknown) => e,
    );
    expect(helped1).toMatchObject({ code: 'E_NOT_A_REPO' });
    expect(helped1).toMatchObject({ code: (direct1 as { code: string }).code });

    // A PATH for git's environment with everything but git (the helper's own tools are found on ours).
    const path = (ENV.PATH ?? '')
      .split(delimiter)
      .filter((dir) => findOnPath('git', dir) === undefined)
      .join(delimiter);
    const env = { ...ENV, PATH: path };
    const missing = await runGit(['status'], { cwd: repo.dir, env, viaHelper: true }).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ code: 'E_GIT_MISSING' });
  });

  it('starts git directly when no named pipe can be made', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'kw-no-fifo-'));
    writeFileSync(join(bin, 'mkfifo'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path ?? ''}`; // where the helper finds its mkfifo
    try {
      // An environment of its own: a helper of its own, which learns that pipes fail.
      const context = { cwd: repo.dir, env: { ...ENV, KEYWARD_TEST: 'no-fifo' }, viaHelper: true };
      const expected = await runGit(['cat-file', '--batch-check'], direct(), { input: `${blobs[0]}\n` });
      for (let i = 0; i < 2; i++) {
        const got = await runGit(['cat-file', '--batch-check'], context, { input: `${blobs[0]}\n` });
        expect(got.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
      }
      const failed = await runGit(['rev-parse', '--verify', 'nope'], context).catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: 'E_GIT_FAILED', data: { command: 'rev-parse' } });
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
    expect(pipeFolders()).toEqual([]);
  });

  it('makes the named pipes of a scan through the helper', async () => {
    const fifos = await makeFifos(2, fifoMaker(helped()));
    expect(fifos?.paths).toHaveLength(2);
    for (const path of fifos!.paths) expect(lstatSync(path).isFIFO()).toBe(true);
    await fifos!.remove();
    expect(fifoMaker(direct())).toBeUndefined();
  });
});
