import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
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
 * them while git lists the blobs). Undefined where there is no mkfifo (Windows) or it failed. The
 * folder goes when removed, and also if the process exits or is interrupted first (Ctrl-C).
 */
export async function makeFifos(count: number): Promise<Fifos | undefined> {
  if (process.platform === 'win32' || count < 1) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'keyward-pipes-'));
  guard(dir);
  const remove = async () => {
    release(dir);
    await rm(dir, { recursive: true, force: true });
  };
  const paths = Array.from({ length: count }, (_, i) => join(dir, `cat-file-${i}`));
  const made = await new Promise<boolean>((resolve) => {
    execFile('mkfifo', ['-m', '600', ...paths], { windowsHide: true }, (error) => resolve(!error));
  });
  if (made) return { paths, remove };
  await remove();
  return undefined;
}

/** Folders to remove should the process end before their scan does. */
const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeLive(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** Removes the folders, then lets the signal do what it would have done (exit with its code). */
function onSignal(signal: NodeJS.Signals): void {
  removeLive();
  unlisten();
  process.kill(process.pid, signal);
}

function guard(dir: string): void {
  live.add(dir);
  if (live.size > 1) return;
  process.on('exit', removeLive);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function release(dir: string): void {
  if (live.delete(dir) && live.size === 0) unlisten();
}

function unlisten(): void {
  process.off('exit', removeLive);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
