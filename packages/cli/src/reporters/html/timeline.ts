import type { BranchSpan, Timeline } from '@keyward/sources/history/timeline';
import { isSourceError } from '@keyward/sources/errors';
import { renderMessage } from '../../errors.js';
import type { GitContextOption } from '../../report.js';
import { h } from './escape.js';
import type { AuditKey } from './keys.js';

/** The timeline, or why there is none (not a history scan, not run inside the repository…). */
export type TimelineState = { timeline: Timeline } | { missing: string };

/**
 * Reads each key's life on each branch from git: only when the findings carry commits and the report is
 * rendered where git can see them (`scan --history`, or `merge` run inside the scanned repository).
 */
export async function loadTimeline(
  keys: readonly AuditKey[],
  git: GitContextOption | undefined,
): Promise<TimelineState> {
  const followed = keys
    .map((key) => ({
      id: key.fingerprint,
      occurrences: key.occurrences.flatMap((f) => (f.commit ? [{ commit: f.commit, path: f.path }] : [])),
    }))
    .filter((key) => key.occurrences.length > 0);
  if (followed.length === 0) {
    return {
      missing:
        keys.length === 0
          ? 'no keys were found'
          : 'the findings carry no commits (the timeline comes with keyward scan --history)',
    };
  }
  if (!git) return { missing: 'the report was rendered without a repository to read' };
  try {
    const { keyTimeline } = await import('@keyward/sources/history/timeline');
    const timeline = await keyTimeline({ cwd: git.cwd, env: git.env as NodeJS.ProcessEnv }, followed);
    const asked = followed.reduce((n, key) => n + key.occurrences.length, 0);
    if (timeline.unresolved === asked) {
      return {
        missing: `the findings' commits are not in the repository at ${git.cwd}: render the report inside the scanned repository`,
      };
    }
    return { timeline };
  } catch (error) {
    const reason = isSourceError(error) ? renderMessage(error.code, error.data) : String(error);
    return { missing: `git could not tell (${reason})` };
  }
}

/** A bar segment on the page's time axis, in percent, with its open end marked. */
interface Segment {
  left: number;
  width: number;
  open: boolean;
}

export function renderTimeline(
  keys: readonly AuditKey[],
  state: TimelineState,
  label: (key: AuditKey) => string,
): string {
  if ('missing' in state) {
    return `<p class="note">No timeline: ${h(state.missing)}.</p>`;
  }
  const { timeline } = state;
  const axis = timeAxis(keys, timeline);
  const rows: string[] = [];
  for (const key of keys) {
    const spans = timeline.keys.get(key.fingerprint) ?? [];
    if (spans.length === 0) {
      const why = key.reachable
        ? 'on no branch followed here (reached through a tag or another ref)'
        : 'on no branch: only in objects no ref reaches';
      rows.push(`<tr><th scope="row">${label(key)}</th><td colspan="4" class="muted">${h(why)}</td></tr>`);
      continue;
    }
    spans.forEach((span, i) => {
      const head = i === 0 ? `<th scope="row" rowspan="${spans.length}">${label(key)}</th>` : '';
      rows.push(
        `<tr>${head}<td><code>${h(span.branch)}</code></td><td>${events(span, 'added')}</td>` +
          `<td>${span.presentAtTip ? '<strong class="bad">still at the tip</strong>' : events(span, 'removed')}</td>` +
          `<td class="bar-cell" aria-hidden="true">${bar(span, axis)}</td></tr>`,
      );
    });
  }
  const omitted =
    timeline.omittedBranches > 0
      ? `<p class="note">${timeline.omittedBranches} more branches (older tips) were not followed.</p>`
      : '';
  const unresolved =
    timeline.unresolved > 0
      ? `<p class="note">${timeline.unresolved} occurrences could not be found in this repository and are left out.</p>`
      : '';
  return [
    `<p>When each key came onto each branch and when it left it, along the branch's first-parent line (a key merged in from another branch counts from the merge). Branches followed: ${timeline.branches.map((b) => `<code>${h(b.name)}</code>`).join(', ') || 'none'}.</p>`,
    omitted,
    unresolved,
    '<table class="timeline"><thead><tr><th scope="col">Key</th><th scope="col">Branch</th><th scope="col">Added</th><th scope="col">Removed</th>',
    `<th scope="col" class="bar-cell"><span class="axis"><span>${h(day(axis.start))}</span><span>${h(day(axis.last))}</span></span></th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('\n');
}

function events(span: BranchSpan, kind: 'added' | 'removed'): string {
  const list = span.events.filter((e) => e.kind === kind);
  if (list.length === 0) return '<span class="muted">—</span>';
  return list
    .map(
      (e) =>
        `<span class="event"><time datetime="${h(e.date)}">${h(e.date.slice(0, 10))}</time> <code>${h(e.commit.slice(0, 12))}</code> <span class="muted">${h(e.author)}</span></span>`,
    )
    .join('');
}

interface Axis {
  start: number;
  /** The newest date shown; `end` leaves a little room after it. */
  last: number;
  end: number;
}

/** From the oldest event to the newest branch tip (or event), so open bars reach the right edge. */
function timeAxis(keys: readonly AuditKey[], timeline: Timeline): Axis {
  const times: number[] = [];
  for (const spans of timeline.keys.values())
    for (const span of spans) for (const e of span.events) times.push(Date.parse(e.date));
  for (const branch of timeline.branches) times.push(Date.parse(branch.date));
  for (const key of keys) if (key.introduced?.date) times.push(Date.parse(key.introduced.date));
  const valid = times.filter((t) => Number.isFinite(t));
  let start = Math.min(...valid);
  let end = Math.max(...valid);
  if (!Number.isFinite(start)) start = end = 0;
  if (end - start < 86_400_000) end = start + 86_400_000;
  // A little room on the right, so a key added at the newest tip still shows as a bar.
  return { start, last: end, end: end + (end - start) * 0.05 };
}

function bar(span: BranchSpan, axis: Axis): string {
  const segments: Segment[] = [];
  let from: number | undefined;
  const at = (date: string) => ((Date.parse(date) - axis.start) / (axis.end - axis.start)) * 100;
  for (const e of span.events) {
    if (e.kind === 'added') from = at(e.date);
    else if (from !== undefined) {
      segments.push({ left: from, width: at(e.date) - from, open: false });
      from = undefined;
    }
  }
  if (from !== undefined) segments.push({ left: from, width: 100 - from, open: true });
  return `<span class="bar">${segments
    .map(
      (s) =>
        `<span class="seg${s.open ? ' open' : ''}" style="left:${clamp(s.left).toFixed(2)}%;width:${Math.max(clamp(s.width), 0.8).toFixed(2)}%"></span>`,
    )
    .join('')}</span>`;
}

function clamp(percent: number): number {
  return Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0));
}

function day(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
