import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Named pipes in a folder private to one scan (mode 0700). */
export interface Fifos {
  paths: string[];
  /** Removes the folder and everything in it. */
  remove(): Promise<void>;
}

/** `keyward-pipes-<pid of the process that made it>-<mkdtemp's six characters>`. */
const PIPE_FOLDER = /^keyward-pipes-([1-9]\d{0,9})-[A-Za-z0-9]{6}$/;

/** A folder private to one scan (mode 0700) for named pipes and the files beside them. */
export interface PipeFolder {
  dir: string;
  /** Removes the folder and everything in it. */
  remove(): Promise<void>;
  /** The same, at once (for a caller that must not leave it for a later turn). */
  removeNow(): void;
}

/**
 * Makes a pipe folder. Undefined on Windows (no named pipes there). The folder goes when removed, and also
 * if the process exits or is interrupted first (Ctrl-C). A process killed outright (SIGKILL) cannot remove
 * its folder: the folder's name carries the process id, and the first call in a process removes, beside
 * making its own, the folders of keyward processes that are gone (removeStalePipeFolders).
 */
export async function makePipeFolder(): Promise<PipeFolder | undefined> {
  if (process.platform === 'win32') return undefined;
  const sweeping = (swept ??= removeStalePipeFolders(tmpdir()));
  const dir = await mkdtemp(join(tmpdir(), `keyward-pipes-${process.pid}-`));
  await sweeping;
  guard(dir);
  const remove = async () => {
    release(dir);
    await rm(dir, { recursive: true, force: true });
  };
  const removeNow = () => {
    release(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, remove, removeNow };
}

/** Makes named pipes at `paths` (mode 0600); false if it could not. */
export type MakeFifo = (paths: string[]) => Promise<boolean>;

/** `mkfifo` started from this process. */
const forkMkfifo: MakeFifo = (paths) =>
  new Promise<boolean>((resolve) => {
    execFile('mkfifo', ['-m', '600', ...paths], { windowsHide: true }, (error) => resolve(!error));
  });

/**
 * Makes `count` named pipes in a new pipe folder with one `mkfifo` (by default started from this
 * process; `mkfifo` can start it otherwise), without blocking this thread (the history source makes them
 * while git lists the blobs). Undefined where there is no mkfifo (Windows) or it failed.
 */
export async function makeFifos(count: number, mkfifo: MakeFifo = forkMkfifo): Promise<Fifos | undefined> {
  if (count < 1) return undefined;
  const folder = await makePipeFolder();
  if (!folder) return undefined;
  const paths = Array.from({ length: count }, (_, i) => join(folder.dir, `cat-file-${i}`));
  if (await mkfifo(paths)) return { paths, remove: folder.remove };
  await folder.remove();
  return undefined;
}

let swept: Promise<string[]> | undefined;

/**
 * Removes the pipe folders in `dir` that keyward processes left when they were killed (SIGKILL, a
 * cancelled CI job): those named by PIPE_FOLDER, owned by this user, real folders (not links), whose
 * process no longer exists. Anything else is left alone: another name, another owner, a process still
 * running (or one this user may not signal: it exists). One readdir; a stat and a signal-0 check only
 * for names of that shape. Never fails (a folder it cannot remove stays). Returns the folders removed.
 */
export async function removeStalePipeFolders(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(PIPE_FOLDER.exec(name)?.[1]);
    if (!pid || pid === process.pid || processExists(pid)) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    try {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Left for the next scan: a folder that cannot be removed is no reason to fail this one.
    }
  }
  return removed;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user. Only ESRCH says it is gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
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
