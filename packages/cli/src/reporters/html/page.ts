import type { Finding } from '@keyward/core';
import { partialNotice, type Report } from '../../report.js';
import { bounded } from '../groups.js';
import { formatBytes, formatDuration } from '../summary.js';
import { plural, verificationLabel } from '../shared.js';
import { h, withCode } from './escape.js';
import { summariseByType, type AuditKey } from './keys.js';
import { keySteps, purgeSteps, ROTATE_FIRST, type Step } from './steps.js';
import { STYLES } from './styles.js';
import { renderTimeline, type TimelineState } from './timeline.js';
import { repositoryRows } from '../../fleet/report.js';

/** Occurrences listed per key at most; the rest are counted (a key edited 500 times is still one key). */
const MAX_OCCURRENCES = 50;

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface PageInput {
  report: Report;
  keys: AuditKey[];
  timeline: TimelineState;
  reveal: boolean;
  /** When the page was made, ISO 8601. */
  generated: string;
}

/** The whole audit page: one self-contained document, readable without scripts (it has none) and printable. */
export function renderPage(input: PageInput): string {
  const { keys, reveal } = input;
  const title = keys.length === 0 ? 'no keys found' : plural(keys.length, 'key');
  // keyward fleet: the page opens with its repositories, audited or not.
  const fleet = input.report.repositories
    ? [section('repositories', 'Repositories', repositoryTable(input.report))]
    : [];
  const sections =
    keys.length === 0
      ? [section('summary', 'Summary', summary(input)), '<p class="good"><strong>No keys found.</strong></p>']
      : [
          section('summary', 'Summary', summary(input)),
          section(
            'timeline',
            'Timeline',
            renderTimeline(keys, input.timeline, (key) => keyLabel(key, reveal)),
          ),
          section('keys', 'Keys', keys.map((key, i) => keyArticle(key, i, reveal)).join('\n')),
          section('purge', 'Purge the history', purge()),
        ];
  sections.unshift(...fleet);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>keyward audit: ${h(title)}</title>`,
    `<style>${STYLES}</style>`,
    '</head>',
    '<body>',
    header(input),
    keys.length > 0
      ? `<nav aria-label="Contents">${fleet.length > 0 ? '<a href="#repositories">Repositories</a>' : ''}<a href="#summary">Summary</a><a href="#timeline">Timeline</a><a href="#keys">Keys</a><a href="#purge">Purge the history</a></nav>`
      : '',
    `<main>\n${sections.join('\n')}\n</main>`,
    `<footer>Made by keyward ${h(input.report.tool.version)} on ${h(input.generated)}. Next: <code>keyward remediate --from &lt;report.json&gt; --output &lt;file&gt;</code> (a JSON report written with <code>--reveal</code>) prints this runbook and writes the replacements file for <code>git filter-repo</code>.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-title"><h2 id="${id}-title">${h(title)}</h2>\n${body}\n</section>`;
}

function header({ report, reveal }: PageInput): string {
  const { scan } = report;
  const what = [
    `${scan.mode} scan${scan.range ? `: ${scan.range}` : ''}`,
    scan.commits > 0 ? plural(scan.commits, 'commit') : '',
    scan.blobs > 0 ? plural(scan.blobs, 'blob') : '',
    scan.files > 0 ? plural(scan.files, 'file') : '',
    formatBytes(scan.bytes),
    formatDuration(scan.durationMs),
  ].filter(Boolean);
  const banner = reveal
    ? '<p class="banner reveal" role="alert">This report shows the full keys (--reveal). Treat the file as a secret: keep it off shared drives and chat, and delete it when you are done.</p>'
    : '<p class="banner">Keys are redacted: each shows its family prefix and last four characters.</p>';
  const partial = report.partial
    ? `\n<p class="banner reveal" role="alert">${h(partialNotice(report.partial))}</p>`
    : '';
  return `<header>\n<h1>keyward audit</h1>\n<p class="meta">${h(what.join(' · '))}</p>${partial}\n${banner}\n</header>`;
}

function summary({ keys, report }: PageInput): string {
  const verified = keys.filter((k) => k.verification).length;
  const live = keys.filter((k) => k.verification?.status === 'live').length;
  const atHead = keys.filter((k) => k.presentAtHead).length;
  const unreachableOnly = keys.filter((k) => !k.reachable).length;
  const cards = [
    card(keys.length, 'keys found', keys.length > 0 ? 'bad' : 'good'),
    verified > 0
      ? card(live, `still live (of ${verified} verified)`, live > 0 ? 'bad' : 'good')
      : card('—', 'still live: not checked (scan with --verify)', ''),
    report.scan.mode === 'history' || report.scan.mode === 'fleet'
      ? card(atHead, 'still present at HEAD', atHead > 0 ? 'bad' : 'good')
      : '',
    card(
      report.findings.length,
      `occurrences${unreachableOnly > 0 ? ` (${unreachableOnly} keys only in unreachable objects)` : ''}`,
      '',
    ),
  ];
  const rows = summariseByType(keys).map(
    (row) =>
      `<tr><td>${h(row.rule.title)}<br><code>${h(row.rule.id)}</code></td>` +
      `<td><span class="badge sev-${h(row.severity)}">${h(row.severity)}</span></td>` +
      `<td class="num">${row.keys}</td>` +
      `<td class="num">${row.verified > 0 ? `${row.live} of ${row.verified}` : '<span class="muted">not checked</span>'}</td>` +
      `<td class="num">${row.atHead}</td><td class="num">${row.occurrences}</td></tr>`,
  );
  const table =
    rows.length === 0
      ? ''
      : '<table class="types"><thead><tr><th scope="col">Key type</th><th scope="col">Severity</th>' +
        '<th scope="col" class="num">Keys</th><th scope="col" class="num">Live</th>' +
        '<th scope="col" class="num">At HEAD</th><th scope="col" class="num">Occurrences</th></tr></thead>' +
        `<tbody>${rows.join('')}</tbody></table>`;
  return `<div class="cards">${cards.join('')}</div>\n${table}`;
}

function card(value: number | string, label: string, tone: '' | 'bad' | 'good'): string {
  return `<div class="card${tone ? ` ${tone}` : ''}"><span class="num">${h(value)}</span><span class="label">${h(label)}</span></div>`;
}

/** `OpenAI admin key sk-admin-…abcd`: how a key is named in the timeline. */
function keyLabel(key: AuditKey, reveal: boolean): string {
  return `<a href="#${anchor(key)}">${h(key.rule.title)}</a><br><code class="secret">${h(shown(key, reveal))}</code>`;
}

function shown(key: AuditKey, reveal: boolean): string {
  return reveal && key.secret ? key.secret : key.redacted;
}

function anchor(key: AuditKey): string {
  return `key-${key.fingerprint.replace(/[^0-9a-zA-Z]/g, '').slice(0, 16)}`;
}

function keyArticle(key: AuditKey, index: number, reveal: boolean): string {
  const status = key.verification?.status;
  const verdictBadge = key.verification
    ? `<span class="badge verdict-${h(status!)}">${h(status!)}</span>`
    : '<span class="badge verdict-none">not verified</span>';
  const intro = key.introduced;
  const facts: Array<[string, string]> = [
    [
      'Rule',
      `<code>${h(key.rule.id)}</code> · ${h(key.rule.provider)} · confidence ${h(key.occurrences[0]!.confidence)}`,
    ],
    [
      'Introduced',
      intro?.commit
        ? committed(intro)
        : `<code>${h(`${key.occurrences[0]!.path}:${key.occurrences[0]!.line}`)}</code>`,
    ],
    // Only when another commit added it later (in the same file again, or in another one).
    ...(key.last?.commit && key.last.commit !== intro?.commit
      ? [['Last committed', committed(key.last)] as [string, string]]
      : []),
    ['Found', found(key)],
    [
      'At HEAD',
      key.presentAtHead
        ? '<strong class="bad">still in the code at HEAD</strong>'
        : key.occurrences.some((f) => f.presentAtHead === false)
          ? 'no longer at HEAD (still in the history)'
          : '<span class="muted">not known</span>',
    ],
    ['Reachable', key.reachable ? 'from a branch or tag' : '<strong>only in objects no ref reaches</strong>'],
    [
      'Verdict',
      key.verification
        ? `<strong>${h(verificationLabel(key.verification))}</strong>: ${h(key.verification.detail)}`
        : '<span class="muted">not verified (scan with --verify, or keyward verify --from a --reveal report)</span>',
    ],
    ['Fingerprint', `<code>${h(key.fingerprint)}</code>`],
  ];
  return [
    `<article class="key key-${h(key.severity)}" id="${anchor(key)}" aria-labelledby="${anchor(key)}-title">`,
    `<h3 id="${anchor(key)}-title"><span class="muted">${index + 1}.</span> <span class="badge sev-${h(key.severity)}">${h(key.severity)}</span> ${h(key.rule.title)} <code class="secret">${h(shown(key, reveal))}</code> ${verdictBadge}</h3>`,
    `<dl class="facts">${facts.map(([dt, dd]) => `<dt>${h(dt)}</dt><dd>${dd}</dd>`).join('')}</dl>`,
    blastRadius(key),
    `<h4>Where it was found (${key.occurrences.length})</h4>`,
    occurrences(key.occurrences),
    '<h4>Remediation</h4>',
    steps(keySteps(key)),
    '</article>',
  ].join('\n');
}

/** `2026-01-02 in <commit> by <author>, <path:line>`: a commit that added the key. */
function committed(f: Finding): string {
  return `${h(f.date?.slice(0, 10) ?? '')} in <code>${h(f.commit!.slice(0, 12))}</code> by ${h(f.author ?? 'unknown')}, <code>${h(`${f.path}:${f.line}`)}</code>`;
}

/** `12 occurrences in 3 paths: a, b, c`, at most PATHS_SHOWN paths and then `+N more`. */
function found(key: AuditKey): string {
  const { shown, more } = bounded(key.paths);
  const paths = shown.map((p) => `<code>${h(p)}</code>`).join(', ');
  return (
    `${h(plural(key.occurrences.length, 'occurrence'))} in ${h(plural(key.paths.length, 'path'))}: ${paths}` +
    (more > 0 ? ` +${more} more` : '')
  );
}

function blastRadius(key: AuditKey): string {
  const reach = key.verification?.reach;
  if (!reach || Object.keys(reach).length === 0) return '';
  const rows = Object.entries(reach).map(
    ([area, state]) =>
      `<tr><td>${h(area)}</td><td class="${state === 'reachable' ? 'bad' : state === 'denied' ? 'good' : 'muted'}">${h(state)}</td></tr>`,
  );
  return `<h4>Blast radius</h4>\n<table class="reach"><thead><tr><th scope="col">Area</th><th scope="col">With this key</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function occurrences(findings: readonly Finding[]): string {
  const rows = findings
    .slice(0, MAX_OCCURRENCES)
    .map(
      (f) =>
        `<tr><td>${f.commit ? `<code>${h(f.commit.slice(0, 12))}</code>` : '<span class="muted">—</span>'}</td>` +
        `<td>${f.date ? `<time datetime="${h(f.date)}">${h(f.date.slice(0, 10))}</time>` : ''}</td>` +
        `<td>${h(f.author ?? '')}</td>` +
        `<td>${f.repository ? `${h(f.repository)}<br>` : ''}<code>${h(`${f.path}:${f.line}:${f.column}`)}</code></td>` +
        `<td>${f.reachable === false ? '<strong>unreachable</strong>' : f.presentAtHead ? '<span class="bad">at HEAD</span>' : ''}</td></tr>`,
    );
  const more =
    findings.length > MAX_OCCURRENCES
      ? `<p class="note">${findings.length - MAX_OCCURRENCES} more occurrences are in the JSON report.</p>`
      : '';
  return (
    '<table class="occurrences"><thead><tr><th scope="col">Commit</th><th scope="col">Date</th><th scope="col">Author</th>' +
    `<th scope="col">Path:line:column</th><th scope="col">Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`
  );
}

/** keyward fleet: each repository with its keys, live ones (when verified) and those still at HEAD. */
function repositoryTable(report: Report): string {
  const rows = repositoryRows(report.repositories!, report.findings).map(
    ({ entry, keys, live, verified, atHead }) =>
      `<tr><td><code>${h(entry.repository)}</code></td>` +
      `<td>${entry.status === 'audited' ? h(entry.status) : `<strong class="bad">${h(entry.status)}</strong>: ${h(entry.reason ?? '')}`}</td>` +
      `<td class="num">${keys}</td>` +
      `<td class="num">${verified > 0 ? `${live} of ${verified}` : '<span class="muted">not checked</span>'}</td>` +
      `<td class="num">${atHead}</td></tr>`,
  );
  return (
    '<table class="repositories"><thead><tr><th scope="col">Repository</th><th scope="col">Audit</th>' +
    '<th scope="col" class="num">Keys</th><th scope="col" class="num">Live</th>' +
    `<th scope="col" class="num">At HEAD</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function steps(list: readonly Step[]): string {
  return `<ol class="steps">${list.map((s) => `<li><strong>${h(s.title)}.</strong> ${withCode(s.text)}</li>`).join('')}</ol>`;
}

function purge(): string {
  return `<p class="rotate-first">${h(ROTATE_FIRST)}</p>\n${steps(purgeSteps())}`;
}
