import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey, tempDir } from '@keyward/test-utils';

// A copy of the loader and the built bundle, so this test's cache never meets the one other tests use.
const CLI = fileURLToPath(new URL('..', import.meta.url));
let root: string;
let cacheDir: string;
const key = fakeKey('openai-project', 91);

beforeAll(() => {
  root = tempDir();
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'bundle'));
  copyFileSync(join(CLI, 'bin', 'load-bundle.cjs'), join(root, 'bin', 'load-bundle.cjs'));
  for (const name of readdirSync(join(CLI, 'bundle')).filter((n) => n.endsWith('.cjs')))
    copyFileSync(join(CLI, 'bundle', name), join(root, 'bundle', name));
  writeFileSync(
    join(root, 'bin', 'run.cjs'),
    "require('./load-bundle.cjs').loadBundle('main.cjs').main();\n",
  );
  cacheDir = join(root, 'bundle', '.v8-cache', `${process.versions.v8}-${process.arch}`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `keyward scan --stdin` through the copied loader: exit 1 and the key's last four, or the failure. */
function scanStdin(): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'run.cjs'), 'scan', '--stdin'], {
    cwd: root,
    input: `OPENAI_API_KEY=${key}\n`,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hookChunkCache = () => readdirSync(cacheDir).find((name) => name.startsWith('hook-path-'));

describe('bin/load-bundle.cjs', () => {
  it('writes a code cache for content-hashed chunks on the first run and reads it on the next', () => {
    const first = scanStdin();
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(key.slice(-4));
    const cached = hookChunkCache();
    expect(cached).toMatch(/^hook-path-[\w-]{8}\.cjs\.bin$/);
    expect(readdirSync(cacheDir)).not.toContain('main.cjs.bin'); // no hash in its name: never cached
    const written = statSync(join(cacheDir, cached!)).mtimeMs;

    const second = scanStdin();
    expect(second.code).toBe(1);
    expect(second.stdout).toBe(first.stdout);
    // Accepted by V8, so not written again.
    expect(statSync(join(cacheDir, cached!)).mtimeMs).toBe(written);
  });

  it('compiles without a cache V8 rejects, and replaces it', () => {
    scanStdin();
    const file = join(cacheDir, hookChunkCache()!);
    writeFileSync(file, 'not a code cache');
    const r = scanStdin();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(key.slice(-4));
    expect(readFileSync(file, 'utf8')).not.toBe('not a code cache');
  });

  it('runs as usual where no cache can be written, and leaves no partial file', () => {
    rmSync(join(root, 'bundle', '.v8-cache'), { recursive: true, force: true });
    writeFileSync(join(root, 'bundle', '.v8-cache'), 'a file where the cache folder would be');
    const r = scanStdin();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(key.slice(-4));
    expect(r.stderr).not.toMatch(/Error|\n\s+at /); // no stack trace
    expect(readdirSync(join(root, 'bundle')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    rmSync(join(root, 'bundle', '.v8-cache'));
  });
});
