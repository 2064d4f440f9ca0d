/** Where the walk met an object: the oldest commit whose tree holds it and its path there, where known. */
export interface Place {
  commit?: string;
  path?: string;
}

/** Objects the history needs but the repository does not have (the first MISSING_KEPT, and how many in all). */
export interface Missing {
  missing: string[];
  missingCount: number;
}

/** What the reachability walk answers, however its output was kept (raw, or compactly as it came). */
export interface Walked extends Missing {
  /**
   * Stopped once it had met every blob it was asked about (WalkUntil): what it met is placed right, but it
   * names no missing object (git prints them at the end of a walk): another answer is needed for that.
   */
  readonly partial?: boolean;
  /**
   * The objects asked about that the walk met (commits, trees, blobs; an object left out was not met),
   * each with where: for a blob, the oldest commit whose tree holds it and its path there; only a path
   * for an object a ref to a blob or tree alone reaches; nothing for a commit. Asked once for all the
   * findings' blobs: one pass.
   */
  locate(oids: readonly string[]): Promise<Map<string, Place>>;
  /**
   * Whether the walk met an object, for asking about every object in the store (the listing of an audit
   * of some branches): an index of all it met, made now, kept only as long as the answer is.
   */
  membership(): (oid: string) => boolean;
}

/**
 * Missing objects a walk names one by one (the rest are counted): what a partial audit's report lists.
 * git prints them after the walk (`--missing=print`), not beside the commit that needs them.
 */
export const MISSING_KEPT = 1000;

const LF = 0x0a;
const COMMIT_LINE = Buffer.from('\ncommit ');
const MISSING_LINE = Buffer.from('\n?');
/** Lookups by searching the bytes, before one pass indexes every object instead. */
const SEARCHES_BEFORE_INDEX = 64;

/**
 * The walk's output kept as git wrote it (`rev-list --objects --in-commit-order`, oldest commit first:
 * `commit <id>` lines, each followed by the objects its tree met first, `<id> <path>`), and searched only
 * for what is asked: the few blobs with findings. Parsing every line as it comes cost a small history's
 * scan more CPU than the search ever does (see walkReachable). Each object is printed once, after the
 * oldest commit that held it, so its line gives its path and the `commit` line above it gives its origin.
 */
export class RawWalk implements Walked {
  readonly missing: string[] = [];
  readonly missingCount: number = 0;
  private searches = 0;
  private index: Set<string> | undefined;

  /** `partial`: stopped once it had met what it was asked about (RawPace), so it names no missing object. */
  constructor(
    private readonly bytes: Buffer,
    readonly partial = false,
  ) {
    // `?<id>` lines: objects the walk needed and did not find.
    let at = bytes[0] === 0x3f ? 0 : bytes.indexOf(MISSING_LINE);
    while (at !== -1) {
      const start = bytes[at] === LF ? at + 1 : at;
      this.missingCount++;
      if (this.missing.length < MISSING_KEPT)
        this.missing.push(bytes.toString('latin1', start + 1, this.lineEnd(start)));
      at = bytes.indexOf(MISSING_LINE, start);
    }
  }

  async locate(oids: readonly string[]): Promise<Map<string, Place>> {
    if (oids.length > SEARCHES_BEFORE_INDEX) return this.locateInOnePass(oids);
    const found = new Map<string, Place>();
    for (const oid of oids) {
      if (found.has(oid) || !this.reaches(oid)) continue;
      const origin = this.originOf(oid);
      const path = origin?.path ?? this.pathOf(oid);
      found.set(oid, origin ?? (path === undefined ? {} : { path }));
    }
    return found;
  }

  /**
   * The same answers for many objects at once, in one pass over the lines: a search each costs a pass over
   * the whole output (trufflehog's history, 6,474 findings in thousands of blobs: 2.9 s of searching).
   */
  private locateInOnePass(oids: readonly string[]): Map<string, Place> {
    const wanted = new Set(oids);
    const found = new Map<string, Place>();
    let commit: string | undefined;
    for (let at = 0; at < this.bytes.length && found.size < wanted.size;) {
      const end = this.lineEnd(at);
      if (this.isCommitLine(at)) {
        commit = this.bytes.toString('latin1', at + COMMIT_LINE.length - 1, end);
      } else if (this.bytes[at] !== 0x3f /* ? */) {
        const space = this.bytes.indexOf(0x20, at);
        const idEnd = space === -1 || space > end ? end : space;
        const oid = this.bytes.toString('latin1', at, idEnd);
        if (wanted.has(oid) && !found.has(oid)) {
          const path = idEnd < end - 1 ? this.bytes.toString('utf8', idEnd + 1, end) : undefined;
          found.set(oid, path === undefined ? {} : commit === undefined ? { path } : { commit, path });
        }
      }
      at = end + 1;
    }
    return found;
  }

  membership(): (oid: string) => boolean {
    const index = (this.index ??= this.indexAll());
    return (oid) => index.has(oid);
  }

  reaches(oid: string): boolean {
    if (this.index === undefined && ++this.searches > SEARCHES_BEFORE_INDEX) this.index = this.indexAll();
    return this.index ? this.index.has(oid) : this.find(oid) !== -1;
  }

  originOf(oid: string): { commit: string; path: string } | undefined {
    const at = this.find(oid);
    const path = at === -1 ? undefined : this.pathAt(at, oid);
    if (path === undefined) return undefined;
    const line = this.bytes.lastIndexOf(COMMIT_LINE, at);
    const start = line !== -1 ? line + 1 : this.isCommitLine(0) ? 0 : -1;
    if (start === -1) return undefined;
    return {
      commit: this.bytes.toString('latin1', start + COMMIT_LINE.length - 1, this.lineEnd(start)),
      path,
    };
  }

  pathOf(oid: string): string | undefined {
    const at = this.find(oid);
    return at === -1 ? undefined : this.pathAt(at, oid);
  }

  /** Where the object's line starts (`<id> …`), or -1. Ids are random: a hit elsewhere is a line start. */
  private find(oid: string): number {
    for (let at = this.bytes.indexOf(oid, 0, 'latin1'); at !== -1;) {
      const before = at === 0 ? LF : this.bytes[at - 1];
      const after = this.bytes[at + oid.length];
      if (before === LF && (after === 0x20 || after === LF || after === undefined)) return at;
      at = this.bytes.indexOf(oid, at + 1, 'latin1');
    }
    return -1;
  }

  private pathAt(at: number, oid: string): string | undefined {
    const space = at + oid.length;
    if (this.bytes[space] !== 0x20) return undefined;
    const end = this.lineEnd(at);
    return end > space + 1 ? this.bytes.toString('utf8', space + 1, end) : undefined;
  }

  private lineEnd(at: number): number {
    const end = this.bytes.indexOf(LF, at);
    return end === -1 ? this.bytes.length : end;
  }

  private isCommitLine(at: number): boolean {
    const end = at + COMMIT_LINE.length - 1;
    return end <= this.bytes.length && this.bytes.compare(COMMIT_LINE, 1, COMMIT_LINE.length, at, end) === 0;
  }

  /** Every object's id: for callers that ask about many (the commits of an unreachable-blob trace). */
  private indexAll(): Set<string> {
    const ids = new Set<string>();
    for (let at = 0; at < this.bytes.length;) {
      const end = this.lineEnd(at);
      const start = this.isCommitLine(at) ? at + COMMIT_LINE.length - 1 : at;
      const space = this.bytes.indexOf(0x20, start);
      const idEnd = space === -1 || space > end ? end : space;
      if (this.bytes[at] !== 0x3f /* ? */ && idEnd > start)
        ids.add(this.bytes.toString('latin1', start, idEnd));
      at = end + 1;
    }
    return ids;
  }
}
