import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole files into one reused, growing buffer with synchronous calls: measured ~10% faster than
 * readFileSync and 3x faster than promise reads (DESIGN §7). The returned view is valid until the next read.
 */
export class FileReader {
  private buffer = new Uint8Array(1 << 20);

  /** The file's bytes, or why it was not read. `maxSize` caps what is read. */
  read(
    path: string,
    maxSize: number,
  ): { bytes: Uint8Array } | { skip: 'tooLarge' | 'unreadable' | 'special'; reason?: string } {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return { skip: 'unreadable', reason: errorReason(error) };
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return { skip: 'special' };
      if (stat.size > maxSize) return { skip: 'tooLarge' };
      if (stat.size > this.buffer.length)
        this.buffer = new Uint8Array(Math.max(stat.size, this.buffer.length * 2));
      let length = 0;
      // A file can grow while we read it; read what fits and stop at the size we were told.
      for (;;) {
        const n = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (n === 0) break;
        length += n;
        if (length >= stat.size) break;
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
