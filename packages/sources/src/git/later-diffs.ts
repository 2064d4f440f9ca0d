import type { Finding } from '@keyward/core';
import { newSourceStats } from '../source.js';
import type { LineRanges } from '../text/added-lines.js';
import { CatFileBatch } from './cat-file.js';
import { requestChange, takeChange, type ChangePlan } from './changes.js';
import type { GitContext } from './exec.js';

/**
 * From this many bytes, a modified file is scanned whole and diffed only if its scan finds something: a
 * line diff costs ~1-2 µs a line, and a lockfile update (a 5.8 MB package-lock.json, 800 lines changed)
 * spent ~250 ms of a 0.4 s hook there. Its blobs are read again then, by one more `cat-file` (~10 ms).
 */
export const DIFF_LATER_BYTES = 256 * 1024;

/**
 * Changed files scanned whole, whose added lines are worked out only for those with findings (`keepAdded`):
 * their blobs are read again then, all in one `cat-file`. Keyed by commit (none for the index) and path,
 * as findings are.
 */
export class LaterDiffs {
  private readonly plans = new Map<string, ChangePlan>();

  constructor(
    private readonly context: GitContext,
    private readonly maxBlobSize: number,
  ) {}

  add(plan: ChangePlan, commit?: string): void {
    this.plans.set(key(commit, plan.entry.path), plan);
  }

  /** The findings on lines their change adds, and every finding in a file not scanned whole. */
  async keepAdded(findings: Finding[]): Promise<Finding[]> {
    const pending = new Map<string, ChangePlan>();
    for (const finding of findings) {
      const at = key(finding.commit, finding.path);
      const plan = this.plans.get(at);
      if (plan) pending.set(at, plan);
    }
    if (pending.size === 0) return findings;
    const added = new Map<string, LineRanges>();
    const batch = new CatFileBatch(this.context, { buffer: true });
    let finished = false;
    try {
      for (const plan of pending.values()) requestChange(plan, batch, this.maxBlobSize);
      batch.end();
      // Counted already on the first read: this one's counters are dropped.
      const uncounted = newSourceStats();
      for (const [at, plan] of pending) {
        added.set(at, (await takeChange(plan, batch, uncounted, {}))?.addedLines ?? []);
      }
      await batch.close();
      finished = true;
    } finally {
      if (!finished) batch.kill();
    }
    return findings.filter((finding) => {
      const lines = added.get(key(finding.commit, finding.path));
      return (
        lines === undefined || lines.some(([start, end]) => finding.line >= start && finding.line <= end)
      );
    });
  }
}

function key(commit: string | undefined, path: string): string {
  return `${commit ?? ''}\0${path}`;
}
