/** Plain-text tables and the number formats the bench prints. */

export const fmt = {
  s: (x) => (x == null ? '-' : x < 1 ? `${(x * 1000).toFixed(0)} ms` : `${x.toFixed(2)} s`),
  mbps: (x) => (x == null ? '-' : `${x.toFixed(x < 10 ? 2 : 0)} MB/s`),
  mb: (kb) => (kb == null ? '-' : `${(kb / 1024).toFixed(0)} MB`),
  ratio: (x) => (x == null ? '-' : `${x.toFixed(x < 10 ? 2 : 1)}x`),
  pass: (p) => (p === true ? 'PASS' : p === false ? 'FAIL' : 'n/a'),
};

/** Prints `rows` (arrays of cells) under `header`, columns padded; numbers-looking cells right-aligned. */
export function printTable(write, title, header, rows, { align = true } = {}) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '-')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const right = (cell) => align && /^[\d.,-]+( ?(ms|s|MB\/s|MB|x|%))?$/.test(cell);
  const line = (r) =>
    r
      .map((c, i) => (right(c) && i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  write(`\n${title}\n`);
  write(`${line(all[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of all.slice(1)) write(`${line(r)}\n`);
}
