import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Named pipes in a folder private to one scan (mode 0700). */
export interface Fifos {
  paths: string[];
  /** Removes the folder and everything in it. */
  remove(): Promise<void>;
}

/**
 * Makes `count` named pipes with one `mkfifo`, without blocking this thread (the history source makes
 * them while git lists the blobs). Undefined where there is no mkfifo (Windows) or it failed.
 */
export async function makeFifos(count: number): Promise<Fifos | undefined> {
  if (process.platform === 'win32' || count < 1) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'keyward-pipes-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const paths = Array.from({ length: count }, (_, i) => join(dir, `cat-file-${i}`));
  const made = await new Promise<boolean>((resolve) => {
    execFile('mkfifo', ['-m', '600', ...paths], { windowsHide: true }, (error) => resolve(!error));
  });
  if (made) return { paths, remove };
  await remove();
  return undefined;
}
