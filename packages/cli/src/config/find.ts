import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KeywardError } from '../errors.js';
import { CONFIG_FILE_NAMES } from './types.js';

/** The folder to start looking from: the scanned path itself, or its folder when it is a file. */
export function startDir(cwd: string, scanRoot: string | undefined): string {
  const path = resolve(cwd, scanRoot ?? '.');
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return path; // a path that does not exist is reported by the scan itself
  }
}

/**
 * The config file for a scan: the nearest `keyward.config.json` or `.keyward.yml` from the scanned path
 * up to the repository root (never above it: a folder outside the repository is someone else's).
 * Outside a repository only the scanned folder itself is looked at. Two config files in one folder are
 * an error rather than a silent choice.
 */
export function findConfigFile(start: string, repoRoot: string | undefined): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const present = CONFIG_FILE_NAMES.filter((name) => existsSync(join(dir, name)));
    if (present.length > 1) {
      throw new KeywardError('E_CONFIG_INVALID', {
        file: join(dir, present[0]!),
        key: '(file)',
        reason: `${present.join(' and ')} both exist in this folder; keep one`,
      });
    }
    if (present.length === 1) return join(dir, present[0]!);
    if (repoRoot === undefined || dir === repoRoot || dirname(dir) === dir) return undefined;
  }
}
