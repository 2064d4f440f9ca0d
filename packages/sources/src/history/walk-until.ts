/**
 * Paces a reachability walk by the blobs it must place (issue 18): it goes no further than the findings'
 * blobs need.
 *
 * The walk lists commits oldest first, each followed by the objects its tree holds that no older commit
 * held, so once it has met a blob, the blob's commit and path are known. While the scan runs, the walk
 * waits (it stops reading git's output, and git blocks on the full pipe) whenever it has met every blob
 * found so far, and goes on when the scan finds one it has not met. Once the scan has ended and every
 * blob with a finding has been met, the walk stops. What it would still have answered is whether any
 * object is missing (git prints those at the very end), so only a caller with another answer to that
 * (git's own check, left running beside it) paces a walk. Objects met through refs to blobs or trees
 * alone do not count: a commit's tree met later would place them.
 *
 * Past half the history's commits, the rest of the walk is likely to cost less than what the check has
 * left (the two passes cost about the same CPU, measured 10.0-10.5 s and 8.7-9.5 s on a million blobs, and
 * the check runs at low priority), so the walk then goes to its end and `late` is told (the caller stops
 * the check).
 */
export class WalkUntil {
  private readonly controller = new AbortController();
  /** Blobs with findings the walk has not met, as far as it knows. */
  private readonly wanted = new Set<string>();
  /** Blobs told since the walk last looked back over what it met (it does so only when it would wait). */
  private readonly told = new Set<string>();
  /** Every blob with a finding is known: the scan has ended. */
  private final = false;
  /** Looks back over what the walk has met, removing those from the set; set once the walk parses. */
  private alreadyMet: ((oids: Set<string>) => void) | undefined;
  private wake: (() => void) | undefined;
  /** Look-backs so far: each is a pass over every object met, so they are capped (MAX_LOOKBACKS). */
  private lookbacks = 0;
  private commitsMet = 0;
  /** Goes to its end, whatever it has met. */
  private toTheEnd = false;

  /** `commits`: how many the history has (0: unknown, no such shortcut); `late`: see above. */
  constructor(private readonly pace: { commits: () => number; late: () => void }) {}

  /** Aborted once every blob with a finding has been met after the scan ended: the walk stops its git. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A blob with a finding, found while the scan runs. */
  want(oid: string): void {
    if (this.final) return;
    this.told.add(oid);
    this.wakeUp();
  }

  /** The scan has ended: these are all the blobs with findings. The walk stops once it has met them. */
  stopOnceMet(oids: Iterable<string>): void {
    if (this.final) return;
    this.final = true;
    for (const oid of oids) this.told.add(oid);
    this.wakeUp();
  }

  /** The audit has failed: a walk waiting for the scan stops (its answers will not be asked for). */
  abandon(): void {
    this.final = true;
    this.controller.abort();
    this.wakeUp();
  }

  /** Called by the walk once it can tell what it met: as it parses its output, or searches it (RawPace). */
  parsing(alreadyMet: (oids: Set<string>) => void): void {
    this.alreadyMet = alreadyMet;
  }

  /** The blobs the walk is looking for, as far as it knows: for a walk searched rather than parsed (RawPace). */
  looking(): string[] {
    return [...this.wanted, ...this.told];
  }

  /** The walk met an object in a commit's tree. */
  met(oid: string): void {
    if (!this.wanted.delete(oid)) this.told.delete(oid);
  }

  /** The walk met a commit. */
  metCommit(): void {
    this.commitsMet++;
    const all = this.pace.commits();
    if (this.toTheEnd || all === 0 || this.commitsMet * 2 < all) return;
    this.runToEnd();
    this.pace.late();
  }

  /** Whether the walk still goes only as far as it must: not to its end, not stopped. */
  pacing(): boolean {
    return !this.toTheEnd && !this.signal.aborted;
  }

  /** Whether the walk has met every blob it knows it must place (then it goes through `gate`). */
  mayWait(): boolean {
    return this.wanted.size === 0 && this.alreadyMet !== undefined && this.pacing();
  }

  /**
   * Called by the walk when it may wait: resolves at once if a blob told meanwhile lies ahead, later if it
   * must wait for the scan; aborts `signal` when the scan has ended and every blob has been met.
   */
  async gate(): Promise<void> {
    while (this.mayWait()) {
      if (this.told.size > 0) {
        if (this.lookbacks++ >= MAX_LOOKBACKS) return this.runToEnd();
        this.alreadyMet?.(this.told);
        for (const oid of this.told) this.wanted.add(oid);
        this.told.clear();
        continue;
      }
      if (this.final) return this.controller.abort();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * The walk runs to its end, whatever it has met: too many look-backs (findings in many blobs), past half
   * the commits, or the caller has no other answer to what is missing (the check failed).
   */
  runToEnd(): void {
    this.toTheEnd = true;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * At most this many passes over the objects met, to learn whether blobs found meanwhile were met already
 * (~10 ms each for the 1.65 million objects of the bench's 1-million-blob history).
 */
const MAX_LOOKBACKS = 32;
