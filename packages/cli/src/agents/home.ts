import { join } from 'node:path';
import { USER_CONFIGS, type UserBase } from './catalog.js';
import { isFile, type Located } from './discover.js';

/**
 * The user's folders, from the environment: `$HOME` (or `%USERPROFILE%`), `$XDG_CONFIG_HOME` (default
 * `~/.config`), `$XDG_DATA_HOME` (default `~/.local/share`), `$CODEX_HOME` (default `~/.codex`), macOS'
 * `~/Library/Application Support` and Windows' `%APPDATA%`. Every layout is checked whatever the platform:
 * a dotfiles folder copied from a Mac is read on Linux too. Undefined without a home.
 */
export function userFolders(
  env: Record<string, string | undefined>,
): Partial<Record<UserBase, string>> | undefined {
  const home = env.HOME || env.USERPROFILE;
  if (!home) return undefined;
  return {
    home,
    config: env.XDG_CONFIG_HOME || join(home, '.config'),
    data: env.XDG_DATA_HOME || join(home, '.local', 'share'),
    codexHome: env.CODEX_HOME || join(home, '.codex'),
    appSupport: join(home, 'Library', 'Application Support'),
    ...(env.APPDATA ? { appData: env.APPDATA } : {}),
  };
}

/**
 * The user-level configurations that exist: a stat of each known path, never a walk of the home, so the
 * cost does not depend on what else the home holds.
 */
export function userConfigs(folders: Partial<Record<UserBase, string>>): Located[] {
  const found: Located[] = [];
  const seen = new Set<string>();
  for (const config of USER_CONFIGS) {
    const base = folders[config.base];
    if (base === undefined) continue;
    const file = join(base, ...config.path.split('/'));
    if (seen.has(file) || !isFile(file)) continue;
    seen.add(file);
    found.push({
      file,
      tool: config.tool,
      format: config.format,
      scope: 'user',
      ...(config.agent ? { agent: config.agent } : {}),
      ...(config.credentials ? { credentials: true } : {}),
    });
  }
  return found;
}
