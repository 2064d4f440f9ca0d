import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

const found = new Map<string, string | null>();

/**
 * Where `name` is on `path` (a PATH value: the one the child will get): its absolute path, or undefined.
 * POSIX names (no .exe); answers are kept per name and PATH, so asking costs a few `access` calls once.
 */
export function findOnPath(name: string, path: string | undefined = process.env.PATH): string | undefined {
  const key = `${name}\0${path ?? ''}`;
  let answer = found.get(key);
  if (answer === undefined) {
    answer = null;
    for (const dir of (path ?? '').split(delimiter)) {
      if (!isAbsolute(dir)) continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        answer = join(dir, name);
        break;
      } catch {
        // not here
      }
    }
    found.set(key, answer);
  }
  return answer ?? undefined;
}
