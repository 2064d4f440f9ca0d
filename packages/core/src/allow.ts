/**
 * Inline allow comments. keyward's own, and for teams moving over, gitleaks', detect-secrets' and
 * secretlint's, so an existing codebase keeps its reviewed exceptions.
 */
const SAME_LINE = [
  'keyward:allow',
  'gitleaks:allow',
  'pragma: allowlist secret',
  'secretlint-disable-line',
  'trufflehog:ignore',
];
const NEXT_LINE = [
  'keyward:allow-next-line',
  'pragma: allowlist nextline secret',
  'secretlint-disable-next-line',
];

/**
 * True when bytes[from, to) contain `needle` (ASCII). `keyward:allow` must not be the start of
 * `keyward:allow-next-line`, which speaks about the next line, not this one.
 */
function hasMarker(bytes: Uint8Array, from: number, to: number, needle: string): boolean {
  const first = needle.charCodeAt(0);
  outer: for (let i = from; i <= to - needle.length; i++) {
    if (bytes[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    if (needle === 'keyward:allow' && bytes[i + needle.length] === 0x2d /* - */) continue;
    return true;
  }
  return false;
}

/** True when the line [lineStart, lineEnd) allows itself, or the line before it allows the next line. */
export function isAllowedInline(bytes: Uint8Array, lineStart: number, lineEnd: number): boolean {
  if (SAME_LINE.some((marker) => hasMarker(bytes, lineStart, lineEnd, marker))) return true;
  if (lineStart === 0) return false;
  let prevStart = lineStart - 1;
  while (prevStart > 0 && bytes[prevStart - 1] !== 0x0a) prevStart--;
  return NEXT_LINE.some((marker) => hasMarker(bytes, prevStart, lineStart - 1, marker));
}
