import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './git.js';

/**
 * A real npm registry on 127.0.0.1 (verdaccio 6.8, a devDependency of tools/), with no uplinks: it serves
 * only what a test publishes to it, so an install that works proves the package is all a user needs, and
 * nothing reaches the internet.
 */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** Folder for the registry's storage, npm config and caches; removed by stop(). */
  dir: string;
  /**
   * Environment for npm, npx, pnpm and yarn that points them at this registry only, with a user config
   * holding the publish token and caches of their own (nothing comes from the machine's caches, nothing
   * is written to them):
   *  - npm and npx: `npm_config_registry`, `npm_config_userconfig` (an npmrc of its own, which pnpm reads
   *    too), `npm_config_cache` (npx's packages live under it, in `_npx`);
   *  - pnpm: its store, cache and state folders from a global rc under `XDG_CONFIG_HOME` (pnpm 10 ignores
   *    `pnpm_config_*` variables, and npm warns on every run about `npm_config_store_dir`);
   *  - yarn classic: `YARN_REGISTRY` (it ignores `npm_config_registry`), `YARN_CACHE_FOLDER`, and no
   *    self-update check.
   */
  env: Record<string, string>;
  /** Publishes a packed tarball (`npm publish <tgz>`). */
  publish(tarball: string): Promise<void>;
  /** Stops verdaccio and removes `dir`. */
  stop(): Promise<void>;
}

const VERDACCIO_BIN = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}): ${log()}`);
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`verdaccio did not answer on ${url} within 30 s: ${log()}`);
}

/** Signs a user up (verdaccio's htpasswd) and returns the token npm publishes with. */
async function addUser(url: string): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:keyward-test`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'keyward-test', password: 'keyward-test-password' }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token)
    throw new Error(`verdaccio refused the test user: ${JSON.stringify(body)}`);
  return body.token;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = tempDir('keyward-registry-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(
    process.execPath,
    [VERDACCIO_BIN, '--config', config, '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // verdaccio can take a few seconds to close its server; a test's cleanup does not wait for that.
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => output);
    const token = await addUser(url);
    const host = `//127.0.0.1:${port}/`;
    const npmrc = join(dir, 'npmrc');
    writeFileSync(npmrc, `registry=${url}\n${host}:_authToken=${token}\n`);
    for (const cache of ['npm-cache', 'pnpm-store', 'pnpm-cache', 'pnpm-state', 'yarn-cache'])
      mkdirSync(join(dir, cache));
    const xdgConfig = join(dir, 'xdg-config');
    mkdirSync(join(xdgConfig, 'pnpm'), { recursive: true });
    writeFileSync(
      join(xdgConfig, 'pnpm', 'rc'),
      [
        `store-dir=${join(dir, 'pnpm-store')}`,
        `cache-dir=${join(dir, 'pnpm-cache')}`,
        `state-dir=${join(dir, 'pnpm-state')}`,
        'update-notifier=false',
        '',
      ].join('\n'),
    );
    const env = {
      npm_config_registry: url,
      npm_config_userconfig: npmrc,
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      XDG_CONFIG_HOME: xdgConfig,
      YARN_REGISTRY: url,
      YARN_CACHE_FOLDER: join(dir, 'yarn-cache'),
      // yarn classic asks yarnpkg.com for a newer yarn on an interactive install: never from a test.
      YARN_DISABLE_SELF_UPDATE_CHECK: 'true',
    };
    return {
      url,
      dir,
      env,
      async publish(tarball: string) {
        await new Promise<void>((resolve, reject) => {
          const npm = spawn('npm', ['publish', tarball, '--registry', url], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let log = '';
          npm.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
          npm.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
          npm.on('error', reject);
          npm.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm publish: ${log}`))));
        });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
