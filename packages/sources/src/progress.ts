import { isCi } from './ci-env.js';

/** How far a long scan has got; sources report it, the CLI draws it (only on a TTY, never in CI). */
export interface ProgressEvent {
  /** What is counted: blobs (history) or commits (range, pre-push). */
  unit: 'blobs' | 'commits';
  done: number;
  total?: number;
  /** Bytes read so far, and in all when known (history knows every blob's size up front). */
  bytes: number;
  totalBytes?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Whether to draw progress: stderr is a terminal and this is not CI (DESIGN §1). */
export function wantsProgress(stream: ProgressStream, env: Record<string, string | undefined>): boolean {
  return stream.isTTY === true && !isCi(env);
}

/**
 * A one-line progress display on stderr: `history 12,345/165,291 blobs  1.2/5.6 GB  410 MB/s  ETA 0:11`,
 * redrawn at most every `intervalMs`, erased by `stop()` (the summary line follows it).
 */
export function createProgress(
  stream: ProgressStream,
  label: string,
  options: { intervalMs?: number; now?: () => number } = {},
): { update: ProgressListener; stop: () => void } {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const started = now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const update: ProgressListener = (event) => {
    const t = now();
    const final = event.total !== undefined && event.done >= event.total;
    if (!final && t - last < interval) return;
    last = t;
    drawn = true;
    stream.write(`\r\x1b[K${formatProgress(label, event, (t - started) / 1000)}`);
  };
  const stop = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  return { update, stop };
}

/** The progress line's text, for `seconds` elapsed. */
export function formatProgress(label: string, event: ProgressEvent, seconds: number): string {
  const count = event.total === undefined ? group(event.done) : `${group(event.done)}/${group(event.total)}`;
  const parts = [`${label} ${count} ${event.unit}`];
  if (event.bytes > 0) {
    parts.push(event.totalBytes ? `${size(event.bytes)}/${size(event.totalBytes)}` : size(event.bytes));
    if (seconds > 0) parts.push(`${size(event.bytes / seconds)}/s`);
  }
  const fraction = event.totalBytes
    ? event.bytes / event.totalBytes
    : event.total
      ? event.done / event.total
      : 0;
  if (fraction > 0.01 && fraction < 1 && seconds > 1)
    parts.push(`ETA ${clock((seconds / fraction) * (1 - fraction))}`);
  return parts.join('  ');
}

function group(n: number): string {
  return n.toLocaleString('en-US');
}

function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
