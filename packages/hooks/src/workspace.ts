import type { RepoContext } from './git.js';
import { displayPath, modeOf, readText } from './files.js';
import { DEFAULT_BIN } from './launcher.js';
import type { FileChange } from './types.js';

/**
 * The files as install will leave them: the disk, overlaid with the changes planned so far, so that two hooks
 * wired into one file (`--hook both` in lefthook.yml) are planned one on top of the other.
 */
export class Workspace {
  private readonly pending = new Map<string, FileChange>();

  /**
   * @param bin where the hooks look for keyward first, relative to the top of the work tree (the project's
   *   node_modules/.bin, which is in a folder of the repository when the project is)
   */
  constructor(
    readonly ctx: RepoContext,
    readonly bin: string = DEFAULT_BIN,
  ) {}

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
