import type { ContentItem, Finding, Scanner } from '@keyward/core';

/**
 * The findings of one item: only those on the lines a change adds (staged, range and pre-push items carry
 * `addedLines`; a part of a longer content, the lines it answers for), each with the item's provenance and,
 * for a part, its lines counted in the whole.
 */
export function itemFindings(scanner: Scanner, item: ContentItem): Finding[] {
  const out: Finding[] = [];
  const shift = item.part ? item.part.firstLine - 1 : 0;
  for (const finding of scanner.scan(item.bytes, item.path)) {
    if (item.addedLines && !onAddedLine(finding.line, item.addedLines)) continue;
    finding.line += shift;
    finding.endLine += shift;
    if (item.commit !== undefined) finding.commit = item.commit;
    if (item.author !== undefined) finding.author = item.author;
    if (item.date !== undefined) finding.date = item.date;
    if (item.reachable !== undefined) finding.reachable = item.reachable;
    out.push(finding);
  }
  return out;
}

function onAddedLine(line: number, ranges: Array<[number, number]>): boolean {
  for (const [start, end] of ranges) if (line >= start && line <= end) return true;
  return false;
}
