/** The audit page's only stylesheet, inlined: the page loads nothing from anywhere. */
export const STYLES = `
:root { --fg: #1d2330; --muted: #5d6678; --line: #d9dee7; --bg: #ffffff; --panel: #f5f7fa;
  --critical: #8e1020; --high: #c4291c; --medium: #a86400; --low: #5d6678; --ok: #1c7c43; --accent: #2450a6; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header, main, footer, nav { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 0 0 10px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
h4 { font-size: 14px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
code { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; overflow-wrap: anywhere; }
.meta, .muted, .note { color: var(--muted); }
.note { font-size: 14px; }
.banner { margin: 14px 0 0; padding: 10px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); }
.banner.reveal { border-color: var(--critical); background: #fdeeee; color: var(--critical); font-weight: 600; }
nav { margin-top: 14px; font-size: 14px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; margin: 8px 0 18px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--panel); }
.card .num { display: block; font-size: 30px; font-weight: 700; line-height: 1.1; }
.card .label { color: var(--muted); font-size: 14px; }
.card.bad { border-color: var(--high); background: #fff3f1; }
.card.bad .num { color: var(--high); }
.card.good .num { color: var(--ok); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { font-size: 13px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em;
  padding: 2px 8px; border-radius: 999px; border: 1px solid currentColor; }
.sev-critical { color: var(--critical); } .sev-high { color: var(--high); }
.sev-medium { color: var(--medium); } .sev-low { color: var(--low); }
.verdict-live { color: #fff; background: var(--high); border-color: var(--high); }
.verdict-invalid { color: var(--ok); }
.verdict-unknown { color: var(--medium); }
.verdict-none { color: var(--muted); }
.bad { color: var(--high); }
.good { color: var(--ok); }
.key { border: 1px solid var(--line); border-left: 6px solid var(--low); border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; }
.key.key-critical { border-left-color: var(--critical); } .key.key-high { border-left-color: var(--high); }
.key.key-medium { border-left-color: var(--medium); }
.secret { font-size: 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ol.steps { margin: 4px 0 0; padding-left: 22px; }
ol.steps li { margin: 0 0 6px; }
.rotate-first { padding: 10px 14px; border-radius: 6px; background: #fff6e5; border: 1px solid #e8c27a; font-weight: 600; }
table.timeline td, table.timeline th { vertical-align: middle; }
table.timeline th[scope="row"] { min-width: 210px; font-weight: 400; }
table.timeline code, .secret { white-space: nowrap; }
.event { display: block; white-space: nowrap; }
.bar-cell { width: 34%; min-width: 180px; }
.bar { position: relative; display: block; height: 14px; background: var(--panel); border: 1px solid var(--line); border-radius: 3px; overflow: hidden; }
.seg { position: absolute; top: 0; bottom: 0; background: #8a97ad; }
.seg.open { background: var(--high); }
.axis { display: flex; justify-content: space-between; font-weight: 400; }
footer { margin: 40px auto 30px; font-size: 13px; color: var(--muted); }
@media print {
  body { font-size: 11pt; }
  nav { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  .key, tr, .card { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
