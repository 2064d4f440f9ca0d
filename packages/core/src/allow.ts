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

/** How far either side of a finding an allow comment on its line may be (minified lines run to megabytes). */
const REACH = 4096;

/**
 * True when bytes[from, to) contain `needle` (ASCII). `keyward:allow` must not be the start of
 * `keyward:allow-next-line`, which speaks about the next line, not this one.
 */
function hasMarker(bytes: Uint8Array, from: number, to: number, needle: string): boolean {
  const first = needle.charCodeAt(0);
  const last = to - needle.length;
  outer: for (let i = bytes.indexOf(first, from); i !== -1 && i <= last; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    if (needle === 'keyward:allow' && bytes[i + needle.length] === 0x2d /* - */) continue;
    return true;
  }
  return false;
}

/**
 * True when the line [lineStart, lineEnd) allows the finding at `at` (within REACH of it), or the line
 * before allows the next line.
 */
export function isAllowedInline(
  bytes: Uint8Array,
  lineStart: number,
  lineEnd: number,
  at = lineStart,
): boolean {
  const from = Math.max(lineStart, at - REACH);
  const to = Math.min(lineEnd, at + REACH);
  if (SAME_LINE.some((marker) => hasMarker(bytes, from, to, marker))) return true;
  if (lineStart === 0) return false;
  let prevStart = lineStart - 1;
  while (prevStart > 0 && bytes[prevStart - 1] !== 0x0a && lineStart - prevStart < REACH) prevStart--;
  return NEXT_LINE.some((marker) => hasMarker(bytes, prevStart, lineStart - 1, marker));
}
