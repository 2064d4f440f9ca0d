import { processIo } from './io.js';
import { run } from './run.js';

export async function main(): Promise<void> {
  const failed = { write: false };
  quietWhenReaderLeaves(process.stdout, failed);
  quietWhenReaderLeaves(process.stderr, failed);
  const code = await run(process.argv.slice(2), processIo());
  process.exitCode = failed.write ? 2 : code;
  // Exit as soon as the output is out, rather than when the event loop drains and V8 has torn its heap
  // down: ~10 ms of every commit (pnpm bench precommit). Everything keyward started has ended by now.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit();
}

/**
 * `keyward rules list | head`: the reader closes the pipe and Node emits EPIPE, an unhandled error with a
 * stack trace. The output is no longer wanted, but the run is: it goes on, unheard, and exits with its own
 * code, so a pipeline under `set -o pipefail` still sees findings (1) or a broken scan (2, 3), never a
 * clean 0 it did not earn. Any other write error is one line and exit 2.
 */
function quietWhenReaderLeaves(stream: NodeJS.WriteStream, failed: { write: boolean }): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    failed.write = true;
    if (stream !== process.stderr)
      process.stderr.write(`keyward: cannot write the output (${error.code ?? error.message})\n`);
  });
}

/** Resolves once everything written to `stream` so far is handed to the OS (or the stream failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  });
}
