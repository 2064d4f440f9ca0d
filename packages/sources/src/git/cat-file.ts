import { spawnFailure, gitFailure, spawnGit, type GitChild, type GitContext } from './exec.js';

/** One object as `git cat-file --batch` returns it. `bytes` may share memory with git's output chunks. */
export type ObjectResult =
  | { oid: string; status: 'ok'; type: string; size: number; bytes: Uint8Array }
  | { oid: string; status: 'missing' }
  | { oid: string; status: 'tooLarge'; type: string; size: number };

export interface CatFileOptions {
  /**
   * `--buffer`: git buffers its output, which is faster, but flushes only when stdin is closed or its buffer
   * fills. Use it when every request is written before the first result is awaited (then call `end()`).
   */
  buffer?: boolean;
  /** Pause reading git's output while this many bytes of results wait to be taken (default 64 MiB). */
  highWater?: number;
  /**
   * An object that spans several pipe reads is assembled, when taken with `next()`, into one buffer
   * reused for every such object: no allocation per object (the garbage collector ran ~330 times on a
   * git.git history without it). Its bytes are then valid only until the next `next()`.
   */
  reuseBuffer?: boolean;
}

export interface ObjectRequest {
  oid: string;
  /** Objects larger than this are passed over (`tooLarge`), never buffered. */
  maxSize?: number;
}

interface Pending {
  oid: string;
  maxSize: number;
}

type Waiter = { resolve: (r: ObjectResult) => void; reject: (e: Error) => void };

/** A result as parsed: an object's bytes may still be the pieces of several pipe reads. */
type Parsed = ObjectResult | { oid: string; status: 'parts'; type: string; size: number; parts: Buffer[] };

/**
 * A long-lived `git cat-file --batch`: object ids in, contents out, in request order, streamed. Objects
 * over a request's `maxSize` are passed over in git's output without being buffered. Memory stays bounded:
 * reading pauses while `highWater` bytes of results wait for the consumer.
 */
export class CatFileBatch {
  private readonly child: GitChild;
  private readonly requests: Pending[] = [];
  private readonly ready: Parsed[] = [];
  private readonly reuse: boolean;
  private assembly = Buffer.alloc(0);
  private readonly waiters: Waiter[] = [];
  private readyBytes = 0;
  private readonly highWater: number;
  private paused = false;
  private failure: Error | undefined;
  private exited = false;
  private stderr = '';
  private readonly closed: Promise<void>;

  // Parser state: a header being assembled, a body being filled, bytes to pass over, or the LF after a body.
  private header: Buffer[] = [];
  private body: Buffer[] | undefined;
  private bodyFilled = 0;
  private skipLeft = 0;
  private lfLeft = 0;
  private current: { oid: string; type: string; size: number } | undefined;

  constructor(context: GitContext, options: CatFileOptions = {}) {
    this.highWater = options.highWater ?? 64 * 1024 * 1024;
    this.reuse = options.reuseBuffer ?? false;
    const args = ['cat-file', '--batch', ...(options.buffer ? ['--buffer'] : [])];
    this.child = spawnGit(args, context);
    this.child.stdin.on('error', () => {}); // reported through 'close'
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.parse(chunk));
    this.closed = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.fail(spawnFailure(error, args, context));
        resolve();
      });
      this.child.on('close', (code) => {
        this.exited = true;
        if (code !== 0 || this.requests.length > 0 || this.current !== undefined) {
          this.fail(gitFailure(args, context, this.stderr, code ?? 1));
        }
        resolve();
      });
    });
  }

  /** Bytes of results read from git and not yet taken with `next()`. */
  get waitingBytes(): number {
    return this.readyBytes;
  }

  /** Asks for an object; its result comes from `next()` in request order. */
  request(oid: string, maxSize = Number.POSITIVE_INFINITY): void {
    this.requests.push({ oid, maxSize });
    this.child.stdin.write(`${oid}\n`);
  }

  /**
   * Asks for many objects, waiting for git to drain its stdin as needed (so a list of millions of ids is
   * never buffered twice), then ends stdin. Results come from `next()` while this still writes.
   */
  async requestAll(requests: Iterable<ObjectRequest>): Promise<void> {
    let lines = '';
    for (const { oid, maxSize } of requests) {
      this.requests.push({ oid, maxSize: maxSize ?? Number.POSITIVE_INFINITY });
      lines += `${oid}\n`;
      if (lines.length < 64 * 1024) continue;
      if (this.failure || this.exited) return;
      if (!this.child.stdin.write(lines)) await this.drained();
      lines = '';
    }
    if (lines.length > 0 && !this.failure && !this.exited) this.child.stdin.write(lines);
    this.end();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.child.stdin.off('drain', done);
        this.child.off('close', done);
        resolve();
      };
      this.child.stdin.on('drain', done);
      this.child.on('close', done);
    });
  }

  /** No more requests: lets git flush (`--buffer`) and exit after answering. */
  end(): void {
    this.endStdin();
  }

  /** The next result, in request order. */
  next(): Promise<ObjectResult> {
    const result = this.ready.shift();
    if (result !== undefined) {
      this.take(result);
      return Promise.resolve(this.whole(result));
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** A parsed result with its bytes in one piece. */
  private whole(result: Parsed): ObjectResult {
    if (result.status !== 'parts') return result;
    const { oid, type, size, parts } = result;
    let bytes: Buffer;
    if (this.reuse) {
      if (this.assembly.length < size)
        this.assembly = Buffer.allocUnsafe(Math.max(size, this.assembly.length * 2));
      let at = 0;
      for (const part of parts) at += part.copy(this.assembly, at);
      bytes = this.assembly.subarray(0, size);
    } else {
      bytes = Buffer.concat(parts, size);
    }
    return { oid, status: 'ok', type, size, bytes };
  }

  /** Ends stdin and waits for git to exit; throws if git failed. */
  async close(): Promise<void> {
    if (!this.exited) this.endStdin();
    await this.closed;
    if (this.failure) throw this.failure;
  }

  /**
   * Ending an ended stream makes Node build an error (formatting it loads util.inspect: ~7 ms of a
   * pre-commit run), so stdin is ended once.
   */
  private endStdin(): void {
    const stdin = this.child.stdin;
    if (!stdin.writableEnded && !stdin.destroyed) stdin.end();
  }

  /** Stops git at once (a consumer that gives up early). */
  kill(): void {
    if (!this.exited) this.child.kill();
  }

  private take(result: Parsed): void {
    if (result.status === 'ok' || result.status === 'parts') this.readyBytes -= result.size;
    if (this.paused && this.readyBytes < this.highWater / 2) {
      this.paused = false;
      this.child.stdout.resume();
    }
  }

  private emit(result: Parsed): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(this.whole(result));
      return;
    }
    this.ready.push(result);
    if (result.status === 'ok' || result.status === 'parts') this.readyBytes += result.size;
    if (!this.paused && this.readyBytes >= this.highWater) {
      this.paused = true;
      this.child.stdout.pause();
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private parse(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.lfLeft > 0) {
        this.lfLeft--;
        pos++;
      } else if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, chunk.length - pos);
        this.skipLeft -= n;
        pos += n;
      } else if (this.body !== undefined && this.current !== undefined) {
        const n = Math.min(this.current.size - this.bodyFilled, chunk.length - pos);
        this.body.push(chunk.subarray(pos, pos + n));
        this.bodyFilled += n;
        pos += n;
        if (this.bodyFilled === this.current.size) this.finishParts(this.body);
      } else {
        const lf = chunk.indexOf(10, pos);
        if (lf === -1) {
          this.header.push(chunk.subarray(pos));
          return;
        }
        this.header.push(chunk.subarray(pos, lf));
        pos = lf + 1;
        const line = Buffer.concat(this.header).toString('latin1');
        this.header = [];
        pos = this.startObject(line, chunk, pos);
      }
    }
  }

  /** Handles a header line; returns the new read position (a body wholly inside the chunk is taken as is). */
  private startObject(line: string, chunk: Buffer, pos: number): number {
    const request = this.requests.shift();
    const [oid = '', type = '', sizeText = ''] = line.split(' ');
    if (request === undefined) {
      this.fail(new Error(`git cat-file answered more than was asked: ${line.slice(0, 80)}`));
      return chunk.length;
    }
    if (type === 'missing' || type === 'ambiguous' || sizeText === '') {
      this.emit({ oid: request.oid, status: 'missing' });
      return pos;
    }
    const size = Number(sizeText);
    if (size > request.maxSize) {
      this.emit({ oid, status: 'tooLarge', type, size });
      this.skipLeft = size;
      this.lfLeft = 1;
      return pos;
    }
    this.current = { oid, type, size };
    if (chunk.length - pos >= size) {
      this.finishBody(chunk.subarray(pos, pos + size));
      return pos + size;
    }
    // Keep the pieces (views of the pipe reads, no copy); they are joined when the object is taken.
    this.body = [chunk.subarray(pos)];
    this.bodyFilled = chunk.length - pos;
    return chunk.length;
  }

  private finishBody(bytes: Buffer): void {
    const current = this.current;
    this.body = undefined;
    this.current = undefined;
    this.lfLeft = 1;
    if (current) this.emit({ ...current, status: 'ok', bytes });
  }

  private finishParts(parts: Buffer[]): void {
    const current = this.current;
    this.body = undefined;
    this.current = undefined;
    this.lfLeft = 1;
    if (current) this.emit({ ...current, status: 'parts', parts });
  }
}

/**
 * Streams the contents of a known list of objects through one `git cat-file --batch --buffer`, in list
 * order (give it pack order for speed). At most `highWater` bytes of results are held at a time.
 */
export async function* readObjects(
  context: GitContext,
  requests: { length: number } & Iterable<ObjectRequest>,
  options: { highWater?: number; reuseBuffer?: boolean } = {},
): AsyncGenerator<ObjectResult> {
  const batch = new CatFileBatch(context, { buffer: true, ...options });
  const writing = batch.requestAll(requests);
  let finished = false;
  try {
    for (let i = 0; i < requests.length; i++) yield await batch.next();
    await writing;
    await batch.close();
    finished = true;
  } finally {
    if (!finished) batch.kill();
  }
}

/**
 * Streams several lists at once, one `git cat-file --batch --buffer` each, yielding each object as soon
 * as any reader has it. The order across lists is whatever comes first; within a list it is kept. With
 * `reuseBuffer`, an object's bytes are valid until the next object is asked for (each reader is asked
 * for more only after its last object was consumed).
 */
export async function* readObjectsConcurrently(
  context: GitContext,
  lists: Array<{ length: number } & Iterable<ObjectRequest>>,
  options: { highWater?: number; reuseBuffer?: boolean } = {},
): AsyncGenerator<ObjectResult> {
  if (lists.length === 1 && lists[0]) {
    yield* readObjects(context, lists[0], options);
    return;
  }
  const share = {
    highWater: Math.max(1 << 20, Math.floor((options.highWater ?? 64 << 20) / lists.length)),
    ...(options.reuseBuffer ? { reuseBuffer: true } : {}),
  };
  const readers = lists.map((list) => readObjects(context, list, share));
  const pending = new Map<number, Promise<{ index: number; step: IteratorResult<ObjectResult> }>>();
  const pull = (index: number) => {
    const reader = readers[index] as AsyncGenerator<ObjectResult>;
    pending.set(
      index,
      reader.next().then((step) => ({ index, step })),
    );
  };
  readers.forEach((_, index) => pull(index));
  try {
    while (pending.size > 0) {
      const { index, step } = await Promise.race(pending.values());
      pending.delete(index);
      if (step.done) continue;
      yield step.value;
      pull(index);
    }
  } finally {
    // Stop every reader still going (a consumer that gave up, or one reader that failed).
    await Promise.allSettled(readers.map((reader) => reader.return(undefined)));
  }
}
