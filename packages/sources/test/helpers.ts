import type { ContentItem } from '@keyward/core';
import { GIT_ENV } from '@keyward/test-utils';
import type { ScanSource } from '../src/source.js';

/** The environment sources get in tests: the caller's, with git config isolated like createRepo's. */
export const ENV: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV };

export interface SeenItem extends Omit<ContentItem, 'bytes'> {
  text: string;
}

/** Every item a source yields, bytes decoded (copied: a source may reuse its buffers). */
export async function collect(source: ScanSource): Promise<SeenItem[]> {
  const out: SeenItem[] = [];
  for await (const item of source.items()) {
    const { bytes, ...rest } = item;
    out.push({ ...rest, text: Buffer.from(bytes).toString('utf8') });
  }
  return out;
}

/** The text of the given 1-based line ranges of an item. */
export function addedText(item: SeenItem): string[] {
  const lines = item.text.split('\n');
  const out: string[] = [];
  for (const [start, end] of item.addedLines ?? [])
    for (let l = start; l <= end; l++) out.push(lines[l - 1] ?? '');
  return out;
}
