import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { startGit, type GitContext } from './exec.js';
import { parseRawMeta, type RawEntry } from './raw.js';

/** One commit of a `git log --raw -z` stream with the header format below. */
export interface CommitRecord {
  oid: string;
  parents: string[];
  author: string;
  /** Author date, strict ISO 8601 with the author's offset (`%aI`). */
  date: string;
  entries: RawEntry[];
}

/** Commit header: a record separator, then id, parents, author name and date, each ending in NUL. */
export const LOG_FORMAT = '--format=%x1e%H%x00%P%x00%an%x00%aI%x00';

/** Flags every raw log of ours uses: full ids, NUL separators, root commits diffed against nothing. */
export const RAW_LOG_FLAGS = [
  '--raw',
  '-z',
  '--no-abbrev',
  '--root',
  '--no-color',
  '--no-ext-diff',
  LOG_FORMAT,
];

/**
 * Runs `git log` (or any command printing LOG_FORMAT headers and raw records) and yields one commit at a
 * time while git is still walking. Breaking out of the loop stops git.
 */
export async function* streamLog(
  args: string[],
  context: GitContext,
  options: { input?: string } = {},
): AsyncGenerator<CommitRecord> {
  const git = startGit(args, context, options.input ?? '');
  const parser = new LogParser();
  let complete = false;
  try {
    for await (const token of nulTokens(git.child.stdout)) {
      const done = parser.push(token);
      if (done) yield done;
    }
    const last = parser.end();
    await git.finished(); // a failure to start or a non-zero exit, as a SourceError
    if (last) yield last;
    complete = true;
  } finally {
    if (!complete) git.child.kill();
  }
}

/** Splits a byte stream on NUL into UTF-8 strings (multi-byte characters split across chunks kept whole). */
export async function* nulTokens(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nul = chunk.indexOf(0, start);
      if (nul === -1) break;
      yield partial + decoder.write(chunk.subarray(start, nul)) + decoder.end();
      partial = '';
      start = nul + 1;
    }
    partial += decoder.write(chunk.subarray(start));
  }
  partial += decoder.end();
  if (partial.length > 0) yield partial;
}

/** Token-by-token state machine over LOG_FORMAT headers followed by raw records. */
export class LogParser {
  private commit: CommitRecord | undefined;
  private headerLeft = 0;
  private pending: { entry: Omit<RawEntry, 'path'>; paths: string[]; need: number } | undefined;

  /** Feeds one NUL-separated token; returns the previous commit when a new one starts. */
  push(token: string): CommitRecord | undefined {
    if (this.pending) {
      this.pending.paths.push(token);
      if (this.pending.paths.length === this.pending.need) this.finishEntry();
      return undefined;
    }
    if (this.commit && this.headerLeft > 0) {
      if (this.headerLeft === 3) this.commit.parents = token === '' ? [] : token.split(' ');
      else if (this.headerLeft === 2) this.commit.author = token;
      else this.commit.date = token;
      this.headerLeft--;
      return undefined;
    }
    const text = token.replace(/^\n+/, '');
    if (text === '') return undefined;
    if (text.charCodeAt(0) === 0x1e) {
      const previous = this.commit;
      this.commit = { oid: text.slice(1), parents: [], author: '', date: '', entries: [] };
      this.headerLeft = 3;
      return previous;
    }
    const meta = parseRawMeta(text);
    if (meta === undefined || this.commit === undefined) {
      throw new Error(`unexpected git log output near ${JSON.stringify(text.slice(0, 40))}`);
    }
    this.pending = { entry: meta.entry, paths: [], need: meta.paths };
    return undefined;
  }

  /** The last commit, once the stream has ended. */
  end(): CommitRecord | undefined {
    const last = this.commit;
    this.commit = undefined;
    return last;
  }

  private finishEntry(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || !this.commit) return;
    const [first = '', second] = pending.paths;
    const entry: RawEntry =
      second === undefined
        ? { ...pending.entry, path: first }
        : { ...pending.entry, srcPath: first, path: second };
    this.commit.entries.push(entry);
  }
}
