import type { Edit } from './types.js';

/** Applies edits (offsets into `text` as it is before any of them) and returns the new text. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  // From the end backwards, so earlier offsets stay valid.
  for (const edit of [...edits].sort((a, b) => b.at - a.at)) {
    if (out.slice(edit.at, edit.at + edit.remove.length) !== edit.remove) {
      throw new Error(`edit at ${edit.at} does not match the text it replaces`);
    }
    out = out.slice(0, edit.at) + edit.insert + out.slice(edit.at + edit.remove.length);
  }
  return out;
}

/**
 * Reverts edits in `text`, which may have been changed elsewhere since they were made: each inserted text
 * is found by content (it carries a keyward marker) and replaced by what it replaced. Returns undefined
 * when an insertion is missing or ambiguous (the user changed keyward's lines): then nothing is reverted.
 */
export function revertEdits(text: string, edits: Edit[]): string | undefined {
  let out = text;
  for (const edit of [...edits].reverse()) {
    const first = out.indexOf(edit.insert);
    if (first < 0 || out.indexOf(edit.insert, first + 1) >= 0) return undefined;
    out = out.slice(0, first) + edit.remove + out.slice(first + edit.insert.length);
  }
  return out;
}

/** True when every insertion of `edits` is still in `text`, exactly once. */
export function editsPresent(text: string, edits: Edit[]): boolean {
  return edits.every((edit) => {
    const first = text.indexOf(edit.insert);
    return first >= 0 && text.indexOf(edit.insert, first + 1) < 0;
  });
}

/** The line ending a file uses (CRLF when most of its lines end so), so inserted lines match it. */
export function lineEnding(text: string): '\n' | '\r\n' {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = text.match(/\n/g)?.length ?? 0;
  return crlf > 0 && crlf * 2 >= lf ? '\r\n' : '\n';
}

/** Joins lines with `eol` and ends them with it. */
export function linesText(lines: string[], eol: string): string {
  return lines.map((line) => line + eol).join('');
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the end of the line holding `offset` (past its line break, or the end of the text). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The column (in characters) of `offset` within its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/**
 * Moves `at` (a line start) up over the comment lines right above it, which describe the item below them,
 * unless they open the file (a header for the whole file stays on top).
 */
export function aboveComments(text: string, at: number): number {
  let start = at;
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    if (!/^[ \t]*#/.test(text.slice(previous, start))) break;
    start = previous;
  }
  return start === 0 ? at : start;
}
