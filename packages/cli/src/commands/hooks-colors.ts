import type { Colors } from '../reporters/colors.js';

/** A unified diff coloured as git colours one: file headers bold, hunk headers cyan, lines red and green. */
export function paintDiff(diff: string, c: Colors): string {
  return diff
    .split('\n')
    .map((line, i) => {
      if (line === '') return line;
      if (i < 2) return c.bold(line); // `--- a/file`, `+++ b/file`
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}

/** `created`, `restored`: done (green); `would create`: a dry run's plan (yellow). */
export function paintVerb(verb: string, dryRun: boolean, c: Colors): string {
  return dryRun ? c.yellow(verb) : c.green(verb);
}
