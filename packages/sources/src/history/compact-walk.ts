import type { GitContext } from '../git/exec.js';
import { OidChunks } from '../git/oid-chunks.js';
import { OidMap } from '../git/oid-map.js';
import { streamLines } from './trace.js';
import type { Place, Walked } from './walked.js';

/** Past this many commits to look into, one more pass over the whole walk finds the paths instead. */
const MAX_COMMIT_WALKS = 32;

/** How to run the walk again (its arguments and stdin), for the paths of many findings at once. */
export interface WalkAgain {
  args: string[];
  input: string[];
}

/**
 * A walk's answers kept in what each object needs and no more (issue 18): its raw id, in the order the
 * walk met it, and where each commit's objects start, so an object's position gives the commit that
 * introduced it. ~21 bytes an object, where a table of ids, paths and commits took ~90 as it grew.
 * Paths are not kept: they are wanted only for the blobs with findings, and found again for those
 * (`locate`), from the one commit's tree each, or one more pass of the walk when they are many.
 */
export class CompactWalk implements Walked {
  readonly missing: string[] = [];
  missingCount = 0;
  partial = false;
  /** Objects met in commits' trees, in walk order (blobs, and new trees that looked like blobs). */
  private readonly objects = new OidChunks();
  /** Commits, in walk order: a commit's index here is its index in `starts`. */
  private readonly commits = new OidChunks();
  /** Per commit: the position in `objects` where its objects start. */
  private starts = new Uint32Array(1024);
  /** Objects met with no commit (refs to blobs or trees, tag targets): their path, or ''. Few. */
  private readonly loose = new Map<string, string>();

  constructor(
    private readonly context: GitContext,
    private readonly again: WalkAgain,
  ) {}

  addCommit(oid: string): void {
    const index = this.commits.length;
    if (index === this.starts.length) {
      const grown = new Uint32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[index] = this.objects.length;
    this.commits.push(oid);
  }

  /** An object met in the current commit's tree (the first for it: the walk prints each once). */
  addObject(oid: string): void {
    this.objects.push(oid);
  }

  /** An object met with no commit: a ref names it, or reaches it through a tree. */
  addLoose(oid: string, path: string): void {
    if (!this.loose.has(oid) || path !== '') this.loose.set(oid, path);
  }

  addMissing(oid: string, kept: number): void {
    this.missingCount++;
    if (this.missing.length < kept) this.missing.push(oid);
  }

  /** Removes from `wanted` the objects met so far in commits' trees (see WalkUntil). */
  forgetMet(wanted: Set<string>): void {
    if (wanted.size === 0) return;
    const oids = [...wanted];
    const index = new OidMap(oids.length);
    oids.forEach((oid, i) => index.set(oid, i));
    this.objects.scan((_, bytes, offset) => {
      const i = index.getRaw(bytes, offset);
      if (i !== undefined) wanted.delete(oids[i]!);
    });
  }

  membership(): (oid: string) => boolean {
    const all = new OidMap(this.objects.length + this.commits.length + this.loose.size);
    const width = this.commits.idWidth || this.objects.idWidth;
    const add = (bytes: Uint8Array, offset: number) => all.addRaw(bytes, offset, width);
    this.commits.scan((_, bytes, offset) => add(bytes, offset));
    this.objects.scan((_, bytes, offset) => add(bytes, offset));
    for (const oid of this.loose.keys()) all.add(oid);
    return (oid) => all.has(oid);
  }

  async locate(oids: readonly string[]): Promise<Map<string, Place>> {
    const wanted = new OidMap(oids.length);
    oids.forEach((oid, index) => wanted.set(oid, index));
    const found = new Map<string, Place>();
    this.commits.scan((_, bytes, offset) => {
      const index = wanted.getRaw(bytes, offset);
      if (index !== undefined) found.set(oids[index]!, {});
    });
    // Which commit introduced each: the last whose objects start at or before the object's position.
    const byCommit = new Map<string, string[]>();
    let commit = -1;
    this.objects.scan((position, bytes, offset) => {
      const index = wanted.getRaw(bytes, offset);
      if (index === undefined) return;
      const oid = oids[index]!;
      if (found.get(oid)?.commit !== undefined) return;
      // Positions only grow: the commit does too.
      while (commit + 1 < this.commits.length && this.starts[commit + 1]! <= position) commit++;
      if (commit === -1) return;
      const id = this.commits.oid(commit);
      found.set(oid, { commit: id });
      const blobs = byCommit.get(id);
      if (blobs) blobs.push(oid);
      else byCommit.set(id, [oid]);
    });
    for (const oid of oids) {
      const path = this.loose.get(oid);
      if (path !== undefined && !found.has(oid)) found.set(oid, path === '' ? {} : { path });
    }
    const paths = await this.pathsIn(byCommit);
    for (const [oid, path] of paths) {
      const place = found.get(oid);
      if (place) place.path = path;
    }
    return found;
  }

  /**
   * The path each blob has in the commit that introduced it, as the walk printed it: the first path in
   * that commit's tree (`rev-list --objects --no-walk`, tree order), stopping once all are found. Many
   * commits: one more pass of the whole walk instead, taking each blob's one line.
   */
  private async pathsIn(byCommit: Map<string, string[]>): Promise<Map<string, string>> {
    const paths = new Map<string, string>();
    if (byCommit.size === 0) return paths;
    if (byCommit.size > MAX_COMMIT_WALKS) {
      const wanted = new Set([...byCommit.values()].flat());
      await streamLines(this.again.args, this.context, lines(this.again.input), (line) => {
        const space = line.indexOf(' ');
        if (space > 0 && !line.startsWith('commit ')) {
          const oid = line.slice(0, space);
          if (wanted.has(oid) && !paths.has(oid)) paths.set(oid, line.slice(space + 1));
        }
        return paths.size < wanted.size;
      });
      return paths;
    }
    const queue = [...byCommit];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [commit, blobs] = next;
        const wanted = new Set(blobs);
        let left = wanted.size;
        const args = ['rev-list', '--objects', '--no-walk', '--missing=print', '--stdin'];
        await streamLines(args, this.context, lines([commit]), (line) => {
          const space = line.indexOf(' ');
          const oid = line.slice(0, space);
          if (space > 0 && wanted.delete(oid)) {
            paths.set(oid, line.slice(space + 1));
            left--;
          }
          return left > 0;
        });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return paths;
  }
}

function lines(input: string[]): string {
  return input.map((line) => `${line}\n`).join('');
}
