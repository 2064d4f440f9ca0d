import { closeSync, constants, openSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { lowerPriority, type LaunchedProcess } from './launch-direct.js';

/** The commands started through the spawn helper (spawn-helper.ts), as their callers hold them. */

/** Statuses the request itself uses (a shell's own are 126 and 127). */
export const NO_DIRECTORY = 250;
export const NO_PIPE = 252;
export const NOT_FOUND = 127;

/** A command the helper started: its pid once reported, and a kill that waits for it. */
export abstract class Tracked {
  pid: number | undefined;
  killed = false;

  constructor(readonly niceness: number | undefined) {}

  kill(): void {
    this.killed = true;
    if (this.pid === undefined) return; // killed once its pid is known
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }

  started(pid: number): void {
    this.pid = pid;
    if (this.niceness !== undefined) lowerPriority(pid, this.niceness);
    if (this.killed) this.kill();
  }

  /** `o N`: the command's files are open. */
  abstract release(): void;
  abstract exited(status: number): void;
  abstract failed(error: Error): void;
}

/** An exit status as the error Node gives when a command cannot start, or undefined. */
function startFailure(status: number, errors: string): Error | undefined {
  if (status === NO_DIRECTORY || status === NOT_FOUND)
    return Object.assign(new Error(errors.trim() || 'not found'), { code: 'ENOENT' });
  if (status === NO_PIPE) return new Error('could not make a pipe');
  return undefined;
}

/** A command whose output this module reads through a pipe of its own (launchThroughHelper). */
export class HelperChild extends Tracked implements LaunchedProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly closed: Promise<number>;
  /** Our write end of the pipe, held until the child has opened its own: a pipe with no writer reads as ended. */
  holder: number | undefined;
  socket: Socket | undefined;
  /** The same command started from this process instead (runDirect). */
  private directly: LaunchedProcess | undefined;
  private settle!: (status: number | Error) => void;

  constructor(
    readonly files: { input: string | undefined; output: string; errors: string },
    niceness: number | undefined,
    /** Starts the same command from this process: for when the helper cannot make its pipe. */
    private readonly direct: () => LaunchedProcess,
  ) {
    super(niceness);
    let exit: number | Error | undefined;
    let ended = false;
    const done = () => {
      if (exit === undefined || !ended) return;
      if (exit instanceof Error) reject(exit);
      else resolve(exit);
    };
    let resolve!: (status: number) => void;
    let reject!: (error: Error) => void;
    this.closed = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.closed.catch(() => {}); // awaited by the caller; a failure to start must not count as unhandled
    this.stdout.on('end', () => {
      ended = true;
      done();
    });
    this.stdout.on('close', () => {
      ended = true;
      this.socket?.destroy();
      done();
    });
    this.settle = (status) => {
      exit = status;
      done();
    };
  }

  /** The helper made the pipe: open our end (and a writer of our own, until the child opens its). */
  opened(): void {
    const fd = openSync(this.files.output, constants.O_RDONLY | constants.O_NONBLOCK);
    this.holder = openSync(this.files.output, constants.O_WRONLY | constants.O_NONBLOCK);
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.on('error', (error) => this.stdout.destroy(error));
    this.socket.pipe(this.stdout);
  }

  release(): void {
    if (this.holder === undefined) return;
    closeSync(this.holder);
    this.holder = undefined;
  }

  /**
   * The helper could not make a pipe (a temp directory without named pipes): the command starts from this
   * process instead, as it would without the helper.
   */
  runDirect(): void {
    this.release();
    this.removeFiles();
    const direct = (this.directly = this.direct());
    direct.stdout.pipe(this.stdout);
    direct.stderr.pipe(this.stderr);
    direct.closed.then(
      (code) => this.settle(code),
      (error: Error) => {
        this.stdout.end();
        this.stderr.end();
        this.settle(error);
      },
    );
    if (this.killed) direct.kill();
  }

  override kill(): void {
    if (this.directly) this.directly.kill();
    else super.kill();
  }

  exited(status: number): void {
    if (status === NO_PIPE) return this.runDirect();
    this.release();
    if (this.socket === undefined) this.stdout.end(); // the pipe was never made
    let errors = '';
    try {
      errors = readFileSync(this.files.errors, 'latin1');
    } catch {
      // never written
    }
    this.stderr.end(Buffer.from(errors, 'latin1'));
    this.removeFiles();
    this.settle(startFailure(status, errors) ?? status);
  }

  failed(error: Error): void {
    this.release();
    this.socket?.destroy();
    this.stdout.end();
    this.stderr.end();
    this.removeFiles();
    this.settle(error);
  }

  private removeFiles(): void {
    const { input, output, errors } = this.files;
    for (const file of [input, output, errors]) if (file) rmSync(file, { force: true }); // '': not made yet
  }
}

/** What `launchRawThroughHelper` gives: the command's files are the caller's. */
export interface RawLaunched {
  /** Settles once the command has its files open, or never will (it ended first). */
  readonly opened: Promise<void>;
  /** Its exit status; rejects, as Node's spawn does, when it could not start. */
  readonly closed: Promise<number>;
  kill(): void;
}

export class RawChild extends Tracked implements RawLaunched {
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  private open!: () => void;
  private settle!: (status: number | Error) => void;

  constructor(private readonly errors: string) {
    super(undefined);
    this.opened = new Promise((resolve) => (this.open = resolve));
    this.closed = new Promise((resolve, reject) => {
      this.settle = (status) => (status instanceof Error ? reject(status) : resolve(status));
    });
    this.closed.catch(() => {}); // awaited by the caller
  }

  release(): void {
    this.open();
  }

  exited(status: number): void {
    this.open();
    let errors = '';
    if (status === NO_DIRECTORY || status === NOT_FOUND) {
      try {
        errors = readFileSync(this.errors, 'utf8');
      } catch {
        // never written
      }
    }
    this.settle(startFailure(status, errors) ?? status);
  }

  failed(error: Error): void {
    this.open();
    this.settle(error);
  }
}
