import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole files into one reused, growing buffer with synchronous calls: measured ~10% faster than
 * readFileSync and 3x faster than promise reads (DESIGN §7). No fstat: a Stats object per file costs more
 * than the read itself. The returned view is valid until the next read.
 */
export class FileReader {
  // A Buffer, not a plain Uint8Array: the binary check's indexOf(0) is memchr on a Buffer and a byte loop on
  // a Uint8Array (measured 18x apart on 8 KiB; ~40 ms of a 17k-file scan).
  private buffer = Buffer.allocUnsafeSlow(1 << 20);

  /**
   * The file's bytes, or why it was not read: larger than `maxSize` (stops reading there), or unreadable.
   * Callers open only what a listing said is a regular file: a FIFO would block here.
   */
  read(
    path: string,
    maxSize: number,
  ): { bytes: Uint8Array } | { skip: 'tooLarge' | 'unreadable'; reason?: string } {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return { skip: 'unreadable', reason: errorReason(error) };
    }
    try {
      let length = 0;
      const limit = maxSize + 1; // reading one byte past the cap is enough to know a file is too large
      for (;;) {
        if (length === this.buffer.length) {
          const grown = Buffer.allocUnsafeSlow(Math.min(this.buffer.length * 2, limit));
          grown.set(this.buffer);
          this.buffer = grown;
        }
        const want = Math.min(this.buffer.length, limit) - length;
        const n = readSync(fd, this.buffer, length, want, null);
        length += n;
        if (length > maxSize) return { skip: 'tooLarge' };
        // A regular file reads short only at its end: stop there, saving the read that would return 0.
        if (n < want) break;
      }
      return { bytes: this.buffer.subarray(0, length) };
    } catch (error) {
      return { skip: 'unreadable', reason: errorReason(error) };
    } finally {
      closeSync(fd);
    }
  }
}

function errorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ?? String(error);
  }
}
