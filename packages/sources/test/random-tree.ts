import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IGNORE_FILES } from '../src/ignore-rules.js';

/** What a random tree is drawn from: entry names, ignore patterns, `!` patterns, and how often each comes. */
export interface TreeDraw {
  next: () => number;
  names: readonly string[];
  patterns: readonly string[];
  negations: readonly string[];
  /** At most this many patterns an ignore file (at least one). */
  maxPatterns: number;
  /** The chance that a folder gets an ignore file. */
  ignoreFileChance: number;
}

/** An ignore file's text: a few drawn patterns, and a `!` pattern one time in four. */
export function drawPatterns(draw: TreeDraw): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(draw.next() * list.length)]!;
  const lines = Array.from({ length: 1 + Math.floor(draw.next() * draw.maxPatterns) }, () =>
    pick(draw.patterns),
  );
  if (draw.next() < 0.25) lines.push(pick(draw.negations));
  return `${lines.join('\n')}\n`;
}

/**
 * Grows a random tree in `dir`, three folders deep at most: files and folders under drawn names (a name a
 * file took stays a file), and ignore files (`.gitignore` or `.keywardignore`) in some folders.
 */
export function growTree(dir: string, draw: TreeDraw, depth = 0): void {
  const pick = <T>(list: readonly T[]) => list[Math.floor(draw.next() * list.length)]!;
  for (let i = 0; i < 2 + Math.floor(draw.next() * 4); i++) {
    const path = join(dir, pick(draw.names));
    if (depth < 3 && draw.next() < 0.45) {
      if (!isFolderOrFree(path)) continue; // a file drawn before took the name
      mkdirSync(path, { recursive: true });
      growTree(path, draw, depth + 1);
    } else {
      try {
        writeFileSync(path, 'x\n', { flag: 'wx' });
      } catch {
        // the name is taken (a folder, or a file drawn before): keep what is there
      }
    }
  }
  if (draw.next() < draw.ignoreFileChance) writeFileSync(join(dir, pick(IGNORE_FILES)), drawPatterns(draw));
}

function isFolderOrFree(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return true;
  }
}
