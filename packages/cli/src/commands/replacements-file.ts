import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KeywardError } from '../errors.js';

/** What replaces each key in the rewritten history (git filter-repo's own default text). */
export const REMOVED = '***REMOVED***';

/**
 * The `git filter-repo --replace-text` expressions: one `literal:<key>==>***REMOVED***` line per distinct
 * key. Longest first: filter-repo applies literals in file order, and a shorter key that is part of a
 * longer one would otherwise leave the rest of the longer key behind. The format has no comments (any
 * line is an expression) and no line breaks inside one, so a key holding a line break is left out.
 */
export function replacementLines(secrets: Iterable<string>): {
  text: string;
  count: number;
  skipped: number;
} {
  const distinct = [...new Set(secrets)].filter((s) => s !== '');
  const usable = distinct.filter((s) => !/[\r\n]/.test(s));
  usable.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  return {
    text: usable.map((s) => `literal:${s}==>${REMOVED}\n`).join(''),
    count: usable.length,
    skipped: distinct.length - usable.length,
  };
}

/**
 * Writes a file that holds secrets: created under a new random name beside the target with mode 0600
 * from the start (O_CREAT|O_EXCL, so never an existing file or a planted symlink), flushed, then renamed
 * over the target in one step. No moment exists where the keys sit in a file others can read.
 */
export function writeSecretFile(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeywardError('E_OUTPUT_WRITE', {
      file,
      reason: code ?? (error instanceof Error ? error.message : String(error)),
    });
  }
}
