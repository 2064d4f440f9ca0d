import { lstatSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { ContentItem } from '@keyward/core';
import { ancestorIgnores } from './ignore-ancestors.js';
import { IgnoreStack, VENDOR_DIRS, pathIn, rawJoin, type IgnoreFolder } from './ignore-rules.js';
import { FileReader } from './read-file.js';
import { packPaths, unpackedPaths, type PackedPaths } from './packed-paths.js';
import { isBinary, newSourceStats, type ScanSource, type SourceStats } from './source.js';

export interface WorktreeOptions {
  /** Folder that relative paths, and reported paths, are relative to. */
  cwd: string;
  /** Files and folders to scan (default `.`). Named paths are always scanned, even when ignored. */
  paths?: string[];
  /** Honour .gitignore, .keywardignore, config ignores and the default vendor folders (`--no-ignore`: false). */
  useIgnore?: boolean;
  /** Config `ignorePaths`, gitignore syntax, relative to `baseDir`. */
  ignorePaths?: { baseDir: string; patterns: string[] };
  /** Files larger than this are skipped and counted. */
  maxFileSize: number;
}

/** A file to scan: where it is, and the path reported for it (relative to cwd, `/`-separated). */
export interface WorktreeFile {
  /** Its path; the raw bytes of it where a name on the way is not valid UTF-8 (Linux names are bytes). */
  abs: string | Buffer;
  shown: string;
}

/** A folder entry: a Dirent, or one read as bytes with its raw name beside the decoded one. */
type Entry = Pick<Dirent, 'name' | 'isDirectory' | 'isFile' | 'isSymbolicLink'> & { raw?: Buffer };

interface Frame {
  /** The folder's path as text (names that are not UTF-8 hold U+FFFD): for ignore rules and display. */
  dir: string;
  /** The folder's path as bytes, where a name on the way is not valid UTF-8: what the calls are given. */
  raw: Buffer | undefined;
  shown: string;
  entries: Entry[];
  next: number;
  layers: number;
  /** The ignore rules for this folder's entries (undefined with `--no-ignore`). */
  ignore: IgnoreFolder | undefined;
}

/**
 * The working tree, walked like ripgrep: ignore files apply beneath their folder, ignored folders are
 * never entered, symlinks are never followed (unless named), special files are never opened. Lists what
 * to read; reading is separate so that workers can share the list.
 */
export function listWorktree(options: WorktreeOptions, stats: SourceStats): WorktreeFile[] {
  return [...walkWorktree(options, stats)];
}

/**
 * The files to scan, yielded as the walk finds them: a scan that reads each at once holds no list, so its
 * memory does not grow with the tree (a list of 35k files grew the heap by ~20 MB: V8 sizes the heap by
 * what is live).
 */
export function* walkWorktree(options: WorktreeOptions, stats: SourceStats): Generator<WorktreeFile> {
  const cwd = resolve(options.cwd);
  const useIgnore = options.useIgnore ?? true;
  const display = (abs: string) => relative(cwd, abs).split(sep).join('/') || '.';

  function* walk(root: string): Generator<WorktreeFile> {
    const ignores = new IgnoreStack();
    if (useIgnore && options.ignorePaths) {
      ignores.addPatterns(resolve(options.ignorePaths.baseDir), options.ignorePaths.patterns);
    }
    const above = useIgnore ? ancestorIgnores(root) : undefined;
    if (above) ignores.append(above);
    const stack: Frame[] = [];
    // `known`: the folder was judged clean on the way down (IgnoreStack.folder).
    const open = (dir: string, shown: string, known: boolean, raw?: Buffer): Frame | undefined => {
      let entries: Entry[];
      try {
        entries = listFolder(dir, raw).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (error) {
        stats.skipped.unreadable++;
        stats.incomplete = true;
        stats.warnings.push(
          `${shown}: cannot list folder (${(error as NodeJS.ErrnoException).code ?? error})`,
        );
        return undefined;
      }
      const names = new Set(entries.map((e) => e.name));
      let layers = useIgnore ? ignores.enter(dir, names, raw) : 0;
      // The repository's own excludes apply too, as in git and ripgrep.
      if (useIgnore && names.has('.git'))
        layers += ignores.addFile(dir, pathIn(dir, raw, join('.git', 'info', 'exclude')));
      return {
        dir,
        raw,
        shown,
        entries,
        next: 0,
        layers,
        ignore: useIgnore ? ignores.folder(dir, known) : undefined,
      };
    };
    const first = open(root, display(root), false);
    if (first) stack.push(first);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.entries.length) {
        ignores.leave(frame.layers);
        stack.pop();
        continue;
      }
      const entry = frame.entries[frame.next++]!;
      if (entry.name === '.git') continue; // git's object store is not content; --history scans it
      const abs = frame.dir + sep + entry.name; // path.join normalises: measurable per file, and not needed here
      const raw =
        frame.raw || entry.raw ? rawJoin(frame.raw ?? frame.dir, entry.raw ?? entry.name) : undefined;
      const shown = frame.shown === '.' ? entry.name : `${frame.shown}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        stats.skipped.links++;
        continue;
      }
      const isDir = entry.isDirectory();
      const verdict = frame.ignore?.judge(entry.name, isDir);
      if (verdict === 'ignored' || (useIgnore && isDir && VENDOR_DIRS.includes(entry.name))) {
        stats.skipped.ignored++;
        continue;
      }
      if (isDir) {
        const child = open(abs, shown, verdict === 'clean', raw);
        if (child) stack.push(child);
      } else if (entry.isFile()) {
        yield { abs: raw ?? abs, shown };
      } else {
        stats.skipped.unreadable++; // sockets, FIFOs, devices: never opened (a FIFO would block)
      }
    }
  }

  for (const path of options.paths?.length ? options.paths : ['.']) {
    const abs = resolve(cwd, path);
    let stat: Stats;
    try {
      // A named symlink is followed: the user asked for it by name.
      const link = lstatSync(abs);
      stat = link.isSymbolicLink() ? statSync(abs) : link;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && exists(abs)) {
        stats.skipped.unreadable++;
        stats.incomplete = true;
        stats.warnings.push(`${path}: broken symbolic link`);
      } else if (code === 'ELOOP') {
        stats.skipped.unreadable++;
        stats.incomplete = true;
        stats.warnings.push(`${path}: symbolic link loop`);
      } else {
        // `-` is standard input in many tools (rg, cat); here that is --stdin.
        const hint = path === '-' ? ' (standard input is scanned with --stdin)' : '';
        stats.errors.push(`${path}: no such file or directory${hint}`);
      }
      continue;
    }
    if (stat.isDirectory()) yield* walk(abs);
    else if (stat.isFile()) yield { abs, shown: display(abs) };
    else stats.skipped.unreadable++; // a named FIFO or device is never opened: it could block
  }
}

/**
 * A folder's entries. Node decodes names as UTF-8, and a name that is not (Linux names are bytes) comes back
 * with U+FFFD in it, a name no file has: such a folder is listed again as bytes, each entry keeping its raw
 * name to be opened by. A folder reached through such a name is listed by its raw path.
 */
function listFolder(dir: string, raw: Buffer | undefined): Entry[] {
  const entries = readdirSync(raw ?? dir, { withFileTypes: true });
  if (!entries.some((e) => e.name.includes('\uFFFD'))) return entries;
  return readdirSync(raw ?? dir, { withFileTypes: true, encoding: 'buffer' }).map((e) => ({
    name: e.name.toString('utf8'),
    raw: e.name,
    isDirectory: () => e.isDirectory(),
    isFile: () => e.isFile(),
    isSymbolicLink: () => e.isSymbolicLink(),
  }));
}

/** Reads one listed file, counting what it skips: binary, oversized, unreadable. */
export function readWorktreeFile(
  reader: FileReader,
  file: WorktreeFile,
  maxFileSize: number,
  stats: SourceStats,
): ContentItem | undefined {
  const result = reader.read(file.abs, maxFileSize);
  if ('skip' in result) {
    if (result.skip === 'tooLarge') stats.skipped.tooLarge++;
    else {
      stats.skipped.unreadable++;
      stats.incomplete = true;
      stats.warnings.push(`${file.shown}: cannot read (${result.reason})`);
    }
    return undefined;
  }
  if (isBinary(result.bytes)) {
    stats.skipped.binary++;
    return undefined;
  }
  return { path: file.shown, bytes: result.bytes };
}

/**
 * Below this many files, scan workers cost more than they save: each boots Node and warms its own JIT
 * (~250 ms of CPU) before it scans, while one thread alone does ~55 µs a file (git.git's tree). Measured
 * with 2 jobs (the main thread and one worker) on 2 cores, git.git's tree copied 1 to 8 times: 4,824
 * files 0.47-0.49 s against 0.36-0.43 s in one thread, 9,648 files 0.59-0.65 against 0.53-0.60, 19,296
 * about even, 38,592 1.05-1.14 against 1.23-1.32. Each further worker shares the cost over more cores.
 */
export function parallelMinFiles(jobs: number): number {
  return jobs < 2 ? Infinity : Math.ceil(16_384 / (jobs - 1));
}

/**
 * The working-tree source. Items share one read buffer: each is valid until the next is requested. The
 * listed files can also be handed to workers (`parallel`), each reading and scanning its share.
 */
export function worktreeSource(options: WorktreeOptions): ScanSource {
  const stats = newSourceStats();
  // Listed for workers (packed in shared memory), or never: items() reads each file as the walk finds it.
  let packed: PackedPaths | undefined;
  // The walk, begun by early(): the files it found so far, and the walk itself, where it stopped.
  let walk: Generator<WorktreeFile> | undefined;
  let walkEnded = false;
  const head: WorktreeFile[] = [];
  return {
    mode: 'worktree',
    *items(read) {
      const reader = new FileReader(read?.buffer);
      const files = packed ? unpackedPaths(packed) : restOfWalk(walk ?? walkWorktree(options, stats), head);
      for (const file of files) {
        const item = readWorktreeFile(reader, file, options.maxFileSize, stats);
        if (item) yield item;
      }
    },
    parallel: () => ({
      // Walks until the tree is known to be large enough for workers, so that they boot (~100 ms of CPU
      // each) while the rest of the walk runs, rather than after it.
      early: async (jobs) => {
        walk ??= walkWorktree(options, stats);
        while (head.length < parallelMinFiles(jobs)) {
          const next = walk.next();
          if (next.done) {
            walkEnded = true;
            return false;
          }
          head.push(next.value);
        }
        return true;
      },
      work: (jobs) => {
        // The whole tree is in `head` and too small: items() reads it from there, unpacked.
        if (walkEnded && head.length < parallelMinFiles(jobs)) return undefined;
        packed ??= packPaths(restOfWalk((walk ??= walkWorktree(options, stats)), head));
        if (packed.count < parallelMinFiles(jobs)) return undefined; // items() reads the list instead
        return { kind: 'worktree', files: packed, maxSize: options.maxFileSize };
      },
    }),
    stats: () => stats,
  };
}

function* restOfWalk(walk: Generator<WorktreeFile>, head: readonly WorktreeFile[]): Generator<WorktreeFile> {
  yield* head;
  yield* walk;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
