import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Thrown when a repository cannot be mirrored or read: the fleet lists it as failed, with this reason. */
export class RepositoryFailure extends Error {}

/**
 * The folder mirrors are kept in: `--cache`, else `$XDG_CACHE_HOME/keyward/mirrors`, else the platform's
 * cache folder (`~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%`).
 */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'keyward', 'mirrors');
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'keyward', 'mirrors');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'keyward', 'mirrors');
  return join(home, '.cache', 'keyward', 'mirrors');
}

/**
 * The mirror's folder name for a URL: its host and path in safe characters (`github.com_acme_api`), then a
 * hash of the URL without credentials, so two URLs never share a folder and a name never climbs out of the
 * cache (`..`, slashes) or holds a token.
 */
export function mirrorName(name: string): string {
  const readable = name
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\.git$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-80);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${readable || 'repository'}-${hash}.git`;
}

/**
 * Brings the mirror of `url` up to date and returns its folder: `git fetch --prune` when it exists, else
 * `git clone --mirror` into a temporary folder renamed into place once complete (an interrupted clone never
 * looks like a mirror). Git never prompts (a private repository without credentials fails, it does not
 * hang). Failures throw RepositoryFailure with git's first error line, credentials removed.
 */
export async function updateMirror(
  url: string,
  name: string,
  cacheDir: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  const dir = join(cacheDir, mirrorName(name));
  const gitEnv = { ...env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: env.GIT_ASKPASS ?? 'echo' };
  if (existsSync(join(dir, 'HEAD'))) {
    // The URL is given each time, not read from the mirror's config: a token in it is never stored.
    await git(['fetch', '--prune', '--quiet', '--', url, '+refs/*:refs/*'], dir, gitEnv, 'fetch', url);
    return dir;
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (error) {
    throw new RepositoryFailure(
      `cannot create the cache folder ${cacheDir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  try {
    await git(['clone', '--mirror', '--quiet', '--', url, partial], cacheDir, gitEnv, 'clone', url);
    if (name !== url) await git(['remote', 'set-url', 'origin', name], partial, gitEnv, 'remote', url);
    // Another run may have finished the same mirror meanwhile (a shared cache): keep the one in place.
    if (existsSync(join(dir, 'HEAD'))) return dir;
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

function git(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  what: string,
  url: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      const said =
        code === 'ENOENT'
          ? 'git was not found on PATH'
          : (String(stderr)
              .split('\n')
              .map((line) => line.replace(/^(fatal|error): /, '').trim())
              .find(Boolean) ?? `exit ${String(code)}`);
      reject(new RepositoryFailure(`git ${what} failed: ${withoutCredentials(said, url)}`));
    });
  });
}

/** Git's message with any `user:password@` of the URL taken out. */
function withoutCredentials(text: string, url: string): string {
  const withUser = /^[a-z][a-z0-9+.-]*:\/\/([^@/]+)@/i.exec(url)?.[1];
  const cleaned = withUser ? text.split(withUser).join('***') : text;
  return cleaned.replace(/(\/\/)[^@/\s]+:[^@/\s]+@/g, '$1***@');
}
