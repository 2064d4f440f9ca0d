import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import { readObjectsConcurrently } from '../git/cat-file.js';
import { BlockingCatFile } from '../git/blocking-cat-file.js';
import { fifoMaker, type GitContext } from '../git/exec.js';
import { makeFifos, type Fifos } from '../git/fifos.js';
import type { BlobList } from './blob-list.js';
import {
  readUnlistedRest,
  UNLISTED_ARGS,
  UNLISTED_COMMAND,
  unlistedEnv,
  type UnlistedRest,
} from './unlisted.js';

/** A listed blob's contents (`bytes` valid until the next one is asked for), or its absence. */
export type BlobContents =
  { oid: string; status: 'ok'; size: number; bytes: Uint8Array } | { oid: string; status: 'missing' };

/** Bytes read between two turns of the event loop (the walk's output is parsed in those turns). */
const TURN_BYTES = 4 << 20;
/** A yielding reader with nothing from git yet asks again after this long (the thread does other work). */
const WAIT_MS = 1;

/**
 * The listed blobs' contents, in list order, for a scan in this thread. With one reader, through one
 * cat-file into a named pipe read with blocking reads (a third of the CPU of stream events), giving the
 * event loop a turn every few MiB so the reachability walk's output keeps flowing. With more readers, or
 * no named pipes (Windows), through `readers` cat-file streams side by side, each a byte-balanced run.
 */
export async function* readInThread(
  context: GitContext,
  blobs: BlobList,
  options: { readers: number; highWater: number; yielding?: boolean },
): AsyncGenerator<BlobContents> {
  const fifos =
    options.readers === 1 && blobs.length > 0 ? await makeFifos(1, fifoMaker(context)) : undefined;
  if (!fifos) {
    const parts = blobs.split(options.readers).map(({ start, end }) => blobs.range(start, end));
    const stream = readObjectsConcurrently(context, parts, {
      highWater: options.highWater,
      reuseBuffer: true,
    });
    // No size cap is asked for (the listing left out blobs over it), so no `tooLarge` comes back.
    for await (const object of stream)
      yield object.status === 'ok' ? object : { oid: object.oid, status: 'missing' };
    return;
  }
  const reader = new BlockingCatFile(fifos.paths[0]!, { yielding: options.yielding === true });
  try {
    const oids = Array.from({ length: blobs.length }, (_, i) => blobs.oid(i));
    reader.begin(context, `${oids.join('\n')}\n`, oids.length);
    yield* taken(reader);
    await reader.finish();
  } finally {
    reader.close();
    await fifos.remove();
  }
}

/**
 * Every blob in the store through the unlisted pipeline (unlisted.ts), read through `fifos` (one named
 * pipe) with blocking reads and handed to `visit` as it comes (its bytes valid during the call): the
 * same contents as a listing and readInThread, without waiting for the listing. git starts at once; the
 * first blob comes once `checked` (the caller's checks) resolves, and if it rejects, git is stopped and
 * nothing comes. `onRest` gets what the listing said besides the blobs once all were read.
 */
export async function readUnlisted(
  context: GitContext,
  fifos: Fifos,
  maxBlobSize: number | undefined,
  checked: Promise<void>,
  visit: (object: BlobContents) => void,
  onRest: (rest: UnlistedRest) => void,
  yielding = false,
): Promise<void> {
  const reader = new BlockingCatFile(fifos.paths[0]!, { yielding });
  const side = `${fifos.paths[0]!}.side`;
  checked.catch(() => {}); // awaited below, after git started
  try {
    reader.beginCommand(context, UNLISTED_COMMAND, UNLISTED_ARGS, unlistedEnv(side, maxBlobSize));
    await checked;
    const pause = pacer();
    for (let object = reader.next(); object !== undefined; object = reader.next()) {
      if (object !== null) visit(object);
      const wait = pause(object);
      if (wait) await wait;
    }
    await reader.finish();
    onRest(await readUnlistedRest(side));
  } finally {
    reader.close();
    await fifos.remove();
  }
}

/**
 * The reader's objects in order, giving the event loop a turn every few MiB (the walk's output flows),
 * and, from a yielding reader, whenever git has nothing written yet.
 */
async function* taken(reader: BlockingCatFile): AsyncGenerator<BlobContents> {
  const pause = pacer();
  for (let object = reader.next(); object !== undefined; object = reader.next()) {
    if (object !== null) yield object;
    const wait = pause(object);
    if (wait) await wait;
  }
}

/**
 * A reading loop's pauses, after each object (null: a yielding reader had nothing from git): a wait for
 * git, a turn of the event loop every TURN_BYTES, or none (undefined: the loop goes on without a tick).
 */
function pacer(): (object: BlobContents | null) => Promise<unknown> | undefined {
  let sinceTurn = 0;
  return (object) => {
    if (object === null) return sleep(WAIT_MS);
    if (object.status !== 'ok') return undefined;
    sinceTurn += object.size;
    if (sinceTurn < TURN_BYTES) return undefined;
    sinceTurn = 0;
    return turn();
  };
}
