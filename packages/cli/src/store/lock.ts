import { open, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than this is taken to be left by a process that died while writing (a write takes ms). */
const STALE_MS = 30_000;
/** How long a writer waits for another's lock before giving up. */
const WAIT_MS = 60_000;
const POLL_MS = 20;

/**
 * Runs `write` holding `<file>.lock`, made with O_EXCL (one holder at a time, across processes and
 * machines sharing a folder). Without it two writers could both read the store, each add their ids and
 * rename in turn, the second dropping the first's: never a corrupt file (each rename is whole), but a
 * lost union. A lock left behind by a crash is taken over after STALE_MS.
 */
export async function withLock<T>(file: string, write: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const until = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_MS) await rm(lock, { force: true });
      else if (Date.now() > until)
        throw new Error(`${lock} is held by another keyward; remove it if none runs`);
      else await sleep(POLL_MS);
    }
  }
  try {
    return await write();
  } finally {
    await rm(lock, { force: true });
  }
}
