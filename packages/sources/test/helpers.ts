import type { ContentItem, Finding } from '@keyward/core';
import { GIT_ENV, type TempRepo } from '@keyward/test-utils';
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

/** What a source pushes through `each` (which it must have), as collect() gathers items(). */
export async function pushed(source: ScanSource): Promise<SeenItem[]> {
  const out: SeenItem[] = [];
  await source.each!((item) => {
    const { bytes, ...rest } = item;
    out.push({ ...rest, text: Buffer.from(bytes).toString('utf8') });
  });
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

/**
 * A stand-in for the core scanner: one finding per occurrence of each given secret, with its 1-based line,
 * as the pipeline would pass them to `resolve`. Sources tests stay independent of the rule set.
 */
export function findSecrets(items: SeenItem[], secrets: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const item of items) {
    item.text.split('\n').forEach((text, index) => {
      for (const secret of secrets) {
        const column = text.indexOf(secret);
        if (column === -1) continue;
        findings.push({
          ruleId: 'test-key',
          severity: 'high',
          confidence: 'high',
          path: item.path,
          line: index + 1,
          column: column + 1,
          endLine: index + 1,
          endColumn: column + 1 + secret.length,
          secret,
          redacted: `${secret.slice(0, 3)}…${secret.slice(-4)}`,
          fingerprint: `fp:${secret}`,
        });
      }
    });
  }
  return findings;
}

/** A lockfile's worth of lines, over DIFF_LATER_BYTES: a modified file that is scanned whole, diffed later. */
export const LARGE_FILLER = Array.from({ length: 9000 }, (_, i) => `"package-${i}": "1.0.${i}-beta",`).join(
  '\n',
);

/** Writes `content` into the repository's object store as a blob (no commit) and returns its id. */
export function writeBlob(r: TempRepo, content: string | Buffer): string {
  r.write({ 'tmp.bin': content });
  return r.git('hash-object', '-w', 'tmp.bin');
}
