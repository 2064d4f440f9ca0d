import { describe, expect, it } from 'vitest';
import { createProgress, formatProgress, wantsProgress } from './progress.js';

describe('wantsProgress', () => {
  it('draws only on a terminal outside CI', () => {
    const tty = { write: () => true, isTTY: true };
    const pipe = { write: () => true };
    expect(wantsProgress(tty, {})).toBe(true);
    expect(wantsProgress(tty, { CI: 'false' })).toBe(true);
    expect(wantsProgress(tty, { CI: 'true' })).toBe(false);
    expect(wantsProgress(tty, { CI: '1' })).toBe(false);
    expect(wantsProgress(pipe, {})).toBe(false);
  });
});

describe('formatProgress', () => {
  it('shows counts, bytes, rate and ETA', () => {
    const line = formatProgress(
      'history',
      { unit: 'blobs', done: 12_345, total: 165_291, bytes: 1.2e9, totalBytes: 5.6e9 },
      3,
    );
    expect(line).toBe('history 12,345/165,291 blobs  1.2 GB/5.6 GB  400.0 MB/s  ETA 0:11');
  });

  it('leaves out what it does not know', () => {
    expect(formatProgress('pre-push', { unit: 'commits', done: 3, bytes: 0 }, 0.5)).toBe(
      'pre-push 3 commits',
    );
    expect(formatProgress('range', { unit: 'commits', done: 50, total: 100, bytes: 2e6 }, 4)).toBe(
      'range 50/100 commits  2.0 MB  500 kB/s  ETA 0:04',
    );
  });
});

describe('createProgress', () => {
  it('redraws at most every interval (the last update always), and erases itself on stop', () => {
    const out: string[] = [];
    let now = 0;
    const progress = createProgress({ write: (s: string) => out.push(s) }, 'history', {
      intervalMs: 100,
      now: () => now,
    });
    progress.update({ unit: 'blobs', done: 1, total: 3, bytes: 0 });
    now = 50;
    progress.update({ unit: 'blobs', done: 2, total: 3, bytes: 0 }); // too soon: skipped
    now = 60;
    progress.update({ unit: 'blobs', done: 3, total: 3, bytes: 0 }); // the last one: drawn
    progress.stop();
    progress.stop(); // nothing left to erase
    expect(out).toEqual(['\r\x1b[Khistory 1/3 blobs', '\r\x1b[Khistory 3/3 blobs', '\r\x1b[K']);
  });
});
