import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { gitEnv, gitFailure, NEUTRAL_CONFIG, spawnFailure, type GitContext } from './exec.js';
import { lowerPriority } from './launch-direct.js';
import { withLargePipe } from './large-pipe.js';
import { helperAvailable, launchRawThroughHelper } from './spawn-helper.js';

/**
 * One object, named as git's header names it. `bytes` is a view of the read buffer: valid until the next
 * object is asked for.
 */
export type VisitedObject =
  { status: 'ok'; oid: string; size: number; bytes: Uint8Array } | { status: 'missing'; oid: string };

export type ObjectVisitor = (index: number, object: VisitedObject) => void;

const ARGS = ['cat-file', '--batch', '--buffer'];

/** A header line is `<id> <type> <size>`: well under this many bytes. */
const MAX_HEADER = 256;
/** A Linux pipe holds 64 KiB: never read into less room than that. */
const MIN_READ = 64 * 1024;
/**
 * A read shorter than this is followed by a pause of PAUSE_MS before the next. git writes each blob with
 * two calls (its header flushed, then the contents), and a reader waiting on the pipe wakes for each: on
 * a million small blobs, two million reads here and as many wake-ups, a large part of the system time of
 * both processes. A pause only follows a short read, that is, a pipe git had not filled: git is not kept
 * waiting, and a pipe it fills is read whole at once.
 */
const SHORT_READ = 32 * 1024;
const PAUSE_MS = 1;
/** Nothing ever wakes it: Atomics.wait on it is a sleep that blocks only this thread. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

interface Running {
  child: { kill(): unknown };
  exited: Promise<{ code: number; error?: Error }>;
  fd: number;
  context: GitContext;
  /** The git command its errors name (`git <args>`). */
  args: string[];
  /** Objects asked for; Infinity when they come through a pipe (then git's end of output ends them). */
  count: number;
  /** Objects taken so far. */
  index: number;
  /** git closed the pipe. */
  ended: boolean;
}

/**
 * `git cat-file --batch` read with blocking reads: git writes into a named pipe that this thread reads
 * synchronously, and each object comes out in place, a view of one reused buffer (copied only when it
 * straddles the buffer's end). Measured on a 792 MB history: 0.75 s of CPU to read and split every blob,
 * against 2.2 s through Node's stream events (a callback, a fresh 64 KiB chunk and a promise per
 * object). The object ids go in from a file and git's messages out to one, so no pipe but the one being
 * read can fill and stall git. A reader blocks its thread while git works: made for a worker thread, or
 * for a caller that gives its event loop a turn now and then.
 *
 * The pipe comes from `makeFifos` (fifos.ts: POSIX `mkfifo`; none on Windows: callers then read through the
 * streaming CatFileBatch). The id list and git's messages go in files beside it.
 */
export class BlockingCatFile {
  private buffer = Buffer.allocUnsafe(4 << 20);
  private start = 0;
  private end = 0;
  /** Bytes the last read returned (0: none yet in this run). */
  private lastRead = 0;
  private running: Running | undefined;
  private readonly listFile: string;
  private readonly errorFile: string;

  /**
   * `yielding`: the thread is shared with other work (a fleet's other audits), so a read never waits for
   * git: with nothing written yet, `next()` returns null at once (ask again after a turn of the event
   * loop), and no pause follows a short read. `niceness`: git's, where it is started from this process.
   */
  constructor(
    private readonly fifo: string,
    private readonly options: { yielding?: boolean; niceness?: number } = {},
  ) {
    this.listFile = `${fifo}.list`;
    this.errorFile = `${fifo}.err`;
  }

  /** Reads `count` objects named in `list` (ids, one a line), visiting each in order; see `begin`. */
  async read(context: GitContext, list: string, count: number, visit: ObjectVisitor): Promise<void> {
    this.begin(context, list, count);
    for (let index = 0, object = this.next(); object; object = this.next()) visit(index++, object);
    await this.finish();
  }

  /** Starts git on `count` objects named in `list` (ids, one a line). Take them with `next()`. */
  begin(context: GitContext, list: string, count: number): void {
    if (this.running) throw new Error('BlockingCatFile: already reading');
    writeFileSync(this.listFile, list, { mode: 0o600 });
    this.beginFile(context, this.listFile, count);
  }

  /**
   * Starts git on `count` objects named in the file at `path` (ids, one a line, written by the caller: a
   * list that never becomes a string). Take them with `next()`.
   */
  beginFile(context: GitContext, path: string, count: number): void {
    if (this.running) throw new Error('BlockingCatFile: already reading');
    this.launch(context, ['git', ...NEUTRAL_CONFIG, ...ARGS], count, { input: path, args: ARGS });
  }

  /**
   * Starts `command`, whose standard output is `git cat-file --batch` output for objects it chooses
   * itself (a pipeline ending in cat-file, which names each object in its header). Take them with
   * `next()` until git's output ends. `env` is added to the command's environment; `args` is the git
   * command its errors name.
   */
  beginCommand(
    context: GitContext,
    command: string[],
    args: string[],
    env: Record<string, string> = {},
  ): void {
    if (this.running) throw new Error('BlockingCatFile: already reading');
    this.launch(context, command, Number.POSITIVE_INFINITY, { input: undefined, env, args });
  }

  private launch(
    context: GitContext,
    command: string[],
    count: number,
    how: { input: string | undefined; args: string[]; env?: Record<string, string> },
  ): void {
    const env = { ...gitEnv(context.env), ...how.env };
    const argv = withLargePipe(command, env.PATH);
    // Open the pipe's write end for git without blocking: a reader must exist first (a non-blocking one).
    const probe = openSync(this.fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const output = openSync(this.fifo, constants.O_WRONLY);
    let held = false;
    try {
      // A yielding reader (its thread's event loop turns between reads) may start git through the
      // spawn helper: our write end is then held until git has opened its own (the helper says so on the
      // event loop), since a pipe with no writer reads as ended.
      const started =
        this.options.yielding === true && context.viaHelper && helperAvailable()
          ? this.startThroughHelper(context, argv, how.env ?? {}, how.input, output)
          : this.startHere(context, argv, env, how.input, output);
      held = started.holds;
      // A blocking read end. Opening it returns at once: our own write end is still open. Once that is
      // closed, git holds the only one, so its exit (or failure to start) ends the reads.
      const fd = openSync(this.fifo, constants.O_RDONLY | (this.options.yielding ? constants.O_NONBLOCK : 0));
      const { child, exited } = started;
      this.running = { child, exited, fd, context, args: how.args, count, index: 0, ended: false };
      this.start = this.end = this.lastRead = 0;
    } finally {
      if (!held) closeSync(output);
      closeSync(probe);
    }
  }

  /** git forked from this process, its stdout our pipe's write end (`output`). */
  private startHere(
    context: GitContext,
    [file = 'git', ...args]: string[],
    env: NodeJS.ProcessEnv,
    inputPath: string | undefined,
    output: number,
  ): { child: { kill(): unknown }; exited: Running['exited']; holds: false } {
    const errors = openSync(this.errorFile, 'w', 0o600);
    const input = inputPath === undefined ? 'ignore' : openSync(inputPath, 'r');
    try {
      const child = spawn(file, args, {
        cwd: context.cwd,
        env,
        stdio: [input, output, errors],
        windowsHide: true,
      });
      if (this.options.niceness !== undefined && child.pid !== undefined)
        lowerPriority(child.pid, this.options.niceness);
      const exited = new Promise<{ code: number; error?: Error }>((resolve) => {
        child.once('error', (error) => resolve({ code: -1, error }));
        child.once('close', (code) => resolve({ code: code ?? 1 }));
      });
      return { child, exited, holds: false };
    } finally {
      if (input !== 'ignore') closeSync(input);
      closeSync(errors);
    }
  }

  /** git started by the spawn helper; `output` (our write end) is closed once git has opened its own. */
  private startThroughHelper(
    context: GitContext,
    argv: string[],
    extraEnv: Record<string, string>,
    input: string | undefined,
    output: number,
  ): { child: { kill(): unknown }; exited: Running['exited']; holds: true } {
    const launched = launchRawThroughHelper(argv, {
      cwd: context.cwd,
      env: gitEnv(context.env),
      extraEnv,
      ...(input === undefined ? {} : { input }),
      output: this.fifo,
      errors: this.errorFile,
    });
    void launched.opened.then(() => closeSync(output));
    const exited = launched.closed.then(
      (code) => ({ code }),
      (error: Error) => ({ code: -1, error }),
    );
    return { child: { kill: () => launched.kill() }, exited, holds: true };
  }

  /**
   * The next object, blocking until git has written it; undefined once all were taken or git stopped.
   * Yielding: null when git has not written it yet.
   */
  next(): VisitedObject | undefined | null {
    const run = this.running;
    if (!run || run.index >= run.count) return undefined;
    for (;;) {
      // Bytes needed from `start` before the next object is whole: its header, then all of it.
      let want = MAX_HEADER;
      const { buffer, start, end } = this;
      const lf = end > start ? buffer.subarray(start, Math.min(end, start + MAX_HEADER)).indexOf(10) : -1;
      if (lf !== -1) {
        // `<id> <type> <size>`, read in place: only the id becomes a string (a million small blobs made
        // three strings and an array each, splitting the header).
        const headerEnd = start + lf;
        const idEnd = buffer.indexOf(0x20, start);
        const typeEnd = idEnd === -1 || idEnd > headerEnd ? -1 : buffer.indexOf(0x20, idEnd + 1);
        const oid = buffer.toString('latin1', start, idEnd === -1 || idEnd > headerEnd ? headerEnd : idEnd);
        if (typeEnd === -1 || typeEnd > headerEnd) {
          // `<id> missing` (or `ambiguous`): nothing follows the header.
          this.start += lf + 1;
          run.index++;
          return { status: 'missing', oid };
        }
        let size = 0;
        for (let i = typeEnd + 1; i < headerEnd; i++) size = size * 10 + buffer[i]! - 0x30;
        const body = start + lf + 1;
        if (body + size + 1 <= end) {
          this.start = body + size + 1; // the LF after the contents
          run.index++;
          return { status: 'ok', oid, size, bytes: buffer.subarray(body, body + size) };
        }
        want = lf + 1 + size + 1;
      } else if (end - start >= MAX_HEADER) {
        throw new Error('git cat-file: unexpected output (no header line)');
      }
      const filled = run.ended ? 'end' : this.fill(want);
      if (filled === 'wait') return null;
      if (filled === 'end') {
        run.ended = true;
        return undefined;
      }
    }
  }

  /** Waits for git to exit; throws if it failed or answered fewer objects than asked. */
  async finish(): Promise<void> {
    const run = this.running;
    if (!run) return;
    this.running = undefined;
    closeSync(run.fd);
    const { code, error } = await run.exited;
    const { args } = run;
    if (error) throw spawnFailure(error, args, run.context);
    if (code !== 0 || (Number.isFinite(run.count) && run.index < run.count)) {
      const stderr = readFileSync(this.errorFile, 'utf8').slice(0, 4096);
      throw gitFailure(args, run.context, stderr || `answered ${run.index} of ${run.count} objects`, code);
    }
  }

  /** Stops reading: git, if still writing, ends on the closed pipe. */
  abort(): void {
    const run = this.running;
    if (!run) return;
    this.running = undefined;
    closeSync(run.fd);
    run.child.kill();
  }

  /** Removes the files beside the pipe (the pipe's folder goes with `Fifos.remove`). */
  close(): void {
    this.abort();
    for (const file of [this.listFile, this.errorFile]) rmSync(file, { force: true });
  }

  /**
   * Reads more of git's output, with room for `want` bytes from `start` and for a full pipe per read:
   * the partial object moves to the front (a few KiB on average), or into a larger buffer when it is
   * larger than this one. 'end' when git closed the pipe; 'wait' (yielding) when it has written nothing.
   */
  private fill(want: number): 'more' | 'end' | 'wait' {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.start + want > this.buffer.length || this.buffer.length - this.end < MIN_READ) {
      if (want > this.buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(want, this.buffer.length * 2));
        this.buffer.copy(grown, 0, this.start, this.end);
        this.buffer = grown;
      } else if (this.start > 0) {
        this.buffer.copy(this.buffer, 0, this.start, this.end);
      }
      this.end -= this.start;
      this.start = 0;
    }
    // A short read means git had written little since the last one: give it a moment to write more, so
    // that each read (and git's write into an empty pipe, which wakes this thread) carries many objects.
    const yielding = this.options.yielding === true;
    if (!yielding && this.lastRead > 0 && this.lastRead < SHORT_READ) Atomics.wait(PAUSE, 0, 0, PAUSE_MS);
    let n: number;
    try {
      n = readSync(this.running!.fd, this.buffer, this.end, this.buffer.length - this.end, null);
    } catch (error) {
      if (yielding && (error as NodeJS.ErrnoException).code === 'EAGAIN') return 'wait';
      throw error;
    }
    this.lastRead = n;
    this.end += n;
    return n > 0 ? 'more' : 'end';
  }
}
