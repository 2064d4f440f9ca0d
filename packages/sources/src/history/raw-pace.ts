import type { WalkUntil } from './walk-until.js';

/**
 * Paces a walk whose output is kept raw (RawWalk) by searching it rather than parsing it: after each chunk,
 * the blobs the walk must place are looked for as whole lines (`\n<id> <path>\n`), and commits are
 * counted, so WalkUntil can stop the walk as a parsed one would (issue 18).
 *
 * Why: an audit keeps the first 16 MB of the walk's output raw (RAW_WALK_BYTES: parsing it cost a small
 * history's scan more CPU than the search afterwards). Unpaced, that 16 MB let git walk the first ~2,000 of
 * the bench's 10,000 commits (1M blobs, keys by 10%) while the findings needed 1,000: 2.7 s of git's CPU
 * where 1.2 s would do, with both cores busy.
 *
 * Only whole lines count: a chunk ending inside a blob's line would give a cut path.
 */
export class RawPace {
  /**
   * From the last line end seen so far: the start of a line the next chunk completes. A line end stands
   * before the first line, so every line searched is preceded by one.
   */
  private carry: Buffer = Buffer.from('\n');

  constructor(
    private readonly until: WalkUntil,
    private readonly kept: readonly Buffer[],
  ) {
    until.parsing((oids) => this.forgetMet(oids));
  }

  /**
   * Takes the chunk just kept (the last of `kept`): tells the walk which blobs it met in it and how many
   * commits, then waits at the walk's gate if it may. False once the walk is to stop.
   */
  async take(chunk: Buffer): Promise<boolean> {
    // Going to its end (or stopped): nothing to look for.
    if (!this.until.pacing()) return !this.until.signal.aborted;
    const lines = this.wholeLines(chunk);
    // In the order a parsed walk meets them: the commits before the last blob met here, the blobs, a stop
    // at the gate if that was all (or a wait for the scan), and only then the commits after (which may
    // pass half the history).
    const held = linesHeld(lines, this.until.looking());
    const last = held.reduce((end, { at }) => Math.max(end, at), 0);
    this.countCommits(lines, 0, last);
    for (const { oid } of held) this.until.met(oid);
    if (this.until.mayWait()) await this.until.gate();
    if (this.until.signal.aborted) return false;
    this.countCommits(lines, last, lines.length);
    return true;
  }

  /** Tells the walk of each commit line starting in lines[from, to). */
  private countCommits(lines: Buffer, from: number, to: number): void {
    for (
      let at = lines.indexOf(COMMIT_LINE, from);
      at !== -1 && at < to;
      at = lines.indexOf(COMMIT_LINE, at + 1)
    )
      this.until.metCommit();
  }

  /** The output up to its last whole line: what a walk stopped here has answered. */
  static answered(kept: readonly Buffer[]): Buffer {
    const all = Buffer.concat(kept);
    return all.subarray(0, all.lastIndexOf(LF) + 1);
  }

  /** The carried start of a line plus this chunk's whole lines (each preceded by its LF): none, empty. */
  private wholeLines(chunk: Buffer): Buffer {
    const last = chunk.lastIndexOf(LF);
    if (last === -1) {
      this.carry = Buffer.concat([this.carry, chunk]);
      return EMPTY;
    }
    const lines = Buffer.concat([this.carry, chunk.subarray(0, last + 1)]);
    this.carry = chunk.subarray(last); // from its LF: the next line's start is searched with it
    return lines;
  }

  /** Removes from `oids` the blobs the kept output holds as whole lines (a look-back: WalkUntil.gate). */
  private forgetMet(oids: Set<string>): void {
    if (oids.size === 0) return;
    for (const { oid } of linesHeld(RawPace.answered(this.kept), [...oids])) oids.delete(oid);
  }
}

/**
 * The objects among `oids` whose line, `<id> <path>`, `lines` holds (whole lines, each after a line end but
 * the first), with where that line's line end stands. A few are searched for one by one; many (a history
 * full of test keys) in one pass over the lines' ids, since a search each would cost a pass each.
 */
function linesHeld(lines: Buffer, oids: readonly string[]): Array<{ oid: string; at: number }> {
  const held: Array<{ oid: string; at: number }> = [];
  if (oids.length <= SEARCHED_ONE_BY_ONE) {
    for (const oid of oids) {
      const at = lines.indexOf(`\n${oid} `, 0, 'latin1');
      if (at !== -1) held.push({ oid, at });
    }
    return held;
  }
  const wanted = new Set(oids);
  for (let end = lines.indexOf(LF); end !== -1 && end + 1 < lines.length;) {
    const at = end;
    const start = end + 1;
    end = lines.indexOf(LF, start);
    const space = lines.indexOf(0x20, start);
    if (space === -1 || (end !== -1 && space > end)) continue;
    const oid = lines.toString('latin1', start, space);
    if (wanted.delete(oid)) held.push({ oid, at });
  }
  return held;
}

/** Up to this many blobs looked for, each is searched for; more, the lines' ids are read once. */
const SEARCHED_ONE_BY_ONE = 16;

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
const COMMIT_LINE = Buffer.from('\ncommit ');
