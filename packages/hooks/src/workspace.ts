import type { RepoContext } from './git.js';
import { displayPath, modeOf, readText } from './files.js';
import type { FileChange } from './types.js';

/**
 * The files as install will leave them: the disk, overlaid with the changes planned so far, so that two hooks
 * wired into one file (`--hook both` in lefthook.yml) are planned one on top of the other.
 */
export class Workspace {
  private readonly pending = new Map<string, FileChange>();

  constructor(readonly ctx: RepoContext) {}

  read(path: string): string | null {
    const change = this.pending.get(path);
    return change ? change.after : readText(path);
  }

  mode(path: string): number | undefined {
    const change = this.pending.get(path);
    return change ? change.mode : modeOf(path);
  }

  display(path: string): string {
    return displayPath(this.ctx.top, path);
  }

  record(change: FileChange): void {
    this.pending.set(change.path, change);
  }
}
