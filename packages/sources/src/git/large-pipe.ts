import { findOnPath } from './on-path.js';

/** Linux's F_SETPIPE_SZ, and the largest pipe an unprivileged process may ask for by default. */
const F_SETPIPE_SZ = 1031;
const PIPE_BYTES = 1 << 20;

/**
 * Sets the pipe on standard output to PIPE_BYTES (failing quietly: a lower /proc/sys/fs/pipe-max-size),
 * then becomes the command: same process, same pid, same exit code; one that cannot start says why.
 */
const WRAPPER = `fcntl(STDOUT, ${F_SETPIPE_SZ}, ${PIPE_BYTES}); exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\\n"`;

/**
 * `command` (an argv) run with a 1 MiB pipe on its standard output, where that can be had: on Linux,
 * through perl (git's Debian package depends on it) found on `path` (the child's PATH), since Node
 * cannot call fcntl; elsewhere, or without perl, `command` as it is.
 *
 * Why: a Linux pipe holds 64 KiB. A scanner that reads git's output in the thread that scans it leaves
 * git blocked on a full pipe whenever it stops to scan, so git's work and the scan add up instead of
 * overlapping. Measured on the bench's mid history (113 MB of blobs, one thread, interleaved medians of
 * 10): the whole scan 680 ms with the 64 KiB pipe, 650 ms with 256 KiB, 620 ms with 1 MiB. A reading
 * thread with an 8 MiB ring in shared memory instead gained less (666 vs 629 ms in one comparison) for
 * ~140 ms more CPU: it copies every byte once more.
 */
export function withLargePipe(command: string[], path?: string): string[] {
  const perl = process.platform === 'linux' ? findOnPath('perl', path) : undefined;
  return perl ? [perl, '-e', WRAPPER, ...command] : command;
}
