import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole files into one reused, growing buffer with synchronous calls: measured ~10% faster than
 * readFileSync and 3x faster than promise reads (DESIGN §7). No fstat: a Stats object per file costs more
 * than the read itself. The returned view is valid until the next read.
 */
export class FileReader {
  /** Without a provider: one Buffer (isBinary's indexOf is memchr on it), grown as files need. */
  private own: Buffer | undefined;
  /** Room the next read asks for: the most a file needed so far, at least 1 MiB. */
  private capacity = 1 << 20;

  /**
   * `provide`: where to read each file instead (ReadOptions.buffer: the scanner's input region, so the scan
   * makes no copy of it).
   */
  constructor(private readonly provide?: (size: number) => Uint8Array) {}

  /**
   * The file's bytes, or why it was not read: larger than `maxSize` (stops reading there), or unreadable.
   * Callers open only what a listing said is a regular file: a FIFO would block here.
   */
  read(
    path: string | Buffer,
    maxSize: number,
  ): { bytes: Uint8Array } | { skip: 'tooLarge' | 'unreadable'; reason?: string } {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return { skip: 'unreadable', reason: errorReason(error) };
    }
    try {
      let buffer = this.room(this.capacity);
      let length = 0;
      const limit = maxSize + 1; // reading one byte past the cap is enough to know a file is too large
      for (;;) {
        if (length === buffer.length) buffer = this.grow(buffer, length, Math.min(length * 2, limit));
        const want = Math.min(buffer.length, limit) - length;
        const n = readSync(fd, buffer, length, want, null);
        length += n;
        if (length > maxSize) return { skip: 'tooLarge' };
        // A regular file reads short only at its end: stop there, saving the read that would return 0.
        if (n < want) break;
      }
      return { bytes: buffer.subarray(0, length) };
    } catch (error) {
      return { skip: 'unreadable', reason: errorReason(error) };
    } finally {
      closeSync(fd);
    }
  }

  private room(size: number): Uint8Array {
    if (this.provide) return this.provide(size);
    if (!this.own || this.own.length < size) this.own = Buffer.allocUnsafeSlow(size);
    return this.own;
  }

  /** Room for `size` bytes that keeps the first `length` of `buffer`. */
  private grow(buffer: Uint8Array, length: number, size: number): Uint8Array {
    this.capacity = Math.max(this.capacity, size);
    const grown = this.room(size);
    // Growing WASM memory detaches the old view and keeps its bytes where they were; other memory gets a copy.
    const inPlace =
      buffer.byteLength === 0 || (grown.buffer === buffer.buffer && grown.byteOffset === buffer.byteOffset);
    if (!inPlace) grown.set(buffer.subarray(0, length));
    return grown;
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
