import type { ContentItem } from '@keyward/core';
import { newSourceStats, type ScanSource } from './source.js';

export interface StdinOptions {
  /** Standard input (or any byte stream): logs, pasted text. */
  stream: AsyncIterable<Uint8Array | string>;
  /** Path to report the content under (`--stdin-name`); default `<stdin>`. */
  name?: string;
  /** Content larger than this is not scanned (counted, and the scan marked incomplete). */
  maxSize?: number;
}

export const STDIN_NAME = '<stdin>';

/**
 * Standard input as one item. It is read to the end first: a secret may sit on any line, and positions
 * are reported as lines of the whole input. Binary bytes are scanned too (a log may hold a stray NUL).
 */
export function stdinSource(options: StdinOptions): ScanSource {
  const stats = newSourceStats();
  const max = options.maxSize ?? Number.POSITIVE_INFINITY;

  async function* items(): AsyncGenerator<ContentItem> {
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    for await (const chunk of options.stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      length += bytes.length;
      if (length > max) over = true;
      if (!over) chunks.push(bytes);
    }
    const path = options.name ?? STDIN_NAME;
    if (over) {
      stats.skipped.tooLarge++;
      stats.incomplete = true;
      stats.warnings.push(`${path}: ${length} bytes on stdin, over the size cap; not scanned`);
      return;
    }
    yield { path, bytes: Buffer.concat(chunks, length) };
  }

  return { mode: 'stdin', items, stats: () => stats };
}
