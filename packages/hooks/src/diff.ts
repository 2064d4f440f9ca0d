/**
 * A unified diff of two texts, for `--dry-run`: `---`/`+++` headers and hunks with three lines of context.
 * Plain LCS over lines; the files keyward edits are small configuration files and hooks.
 */
export function unifiedDiff(display: string, before: string | null, after: string | null): string {
  const a = splitLines(before ?? '');
  const b = splitLines(after ?? '');
  const ops = diffLines(a, b);
  const out = [
    `--- ${before === null ? '/dev/null' : `a/${display}`}`,
    `+++ ${after === null ? '/dev/null' : `b/${display}`}`,
  ];
  const context = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    let start = i;
    while (start > 0 && i - start < context && ops[start - 1]?.kind === ' ') start--;
    let end = i;
    // Extend over changes and gaps of unchanged lines shorter than two contexts.
    for (;;) {
      while (end < ops.length && ops[end]?.kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]?.kind === ' ') gap++;
      if (gap < ops.length && gap - end <= context * 2) end = gap;
      else {
        end = Math.min(end + context, gap);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const first = ops[start];
    const oldStart = (first?.a ?? 0) + 1;
    const newStart = (first?.b ?? 0) + 1;
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(
      `@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`,
    );
    for (const op of hunk) out.push(op.kind + op.text);
    i = end;
  }
  return out.join('\n') + '\n';
}

interface Op {
  kind: ' ' | '-' | '+';
  text: string;
  /** Index of the line in the old text (for ' ' and '-') or where it would be. */
  a: number;
  b: number;
}

function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--)
      row[j] = a[i] === b[j] ? (below[j + 1] ?? 0) + 1 : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++] ?? '', a: i - 1, b: j++ });
    else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0)))
      ops.push({ kind: '+', text: b[j++] ?? '', a: i, b: j - 1 });
    else ops.push({ kind: '-', text: a[i++] ?? '', a: i - 1, b: j });
  }
  return ops;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
