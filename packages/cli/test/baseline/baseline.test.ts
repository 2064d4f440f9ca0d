import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@keyward/test-utils/git';
import {
  applyBaseline,
  baselineOf,
  parseBaseline,
  pruneBaseline,
  readBaseline,
  serializeBaseline,
} from '../../src/baseline/index.js';
import { KeywardError } from '../../src/errors.js';
import { worktreeFindings } from '../reporters/fixture.js';

describe('baseline file', () => {
  it('lists fingerprints, rule ids, paths and redacted forms, never a secret', () => {
    const findings = worktreeFindings();
    const text = serializeBaseline(baselineOf(findings));
    for (const f of findings) {
      expect(text).not.toContain(f.secret);
      expect(text).toContain(f.fingerprint);
      expect(text).toContain(f.redacted);
    }
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed)).toEqual(['version', 'description', 'entries']);
    expect(Object.keys(parsed.entries[0])).toEqual(['fingerprint', 'ruleId', 'path', 'redacted']);
  });

  it('is stable: same findings in any order, duplicates folded', () => {
    const findings = worktreeFindings();
    const a = serializeBaseline(baselineOf(findings));
    const b = serializeBaseline(baselineOf([...findings].reverse().concat(findings)));
    expect(b).toBe(a);
    expect(JSON.parse(a).entries.map((e: { path: string }) => e.path)).toEqual([
      '.env',
      'deploy/eu,prod:1%<a&b>|x.env',
      'notes/setup.md',
      'src/config.ts',
      'src/config.ts',
    ]);
  });

  it('reads back what it writes', () => {
    const dir = tempDir();
    const baseline = baselineOf(worktreeFindings());
    writeFileSync(join(dir, 'b.json'), serializeBaseline(baseline));
    expect(readBaseline(join(dir, 'b.json'))).toEqual(baseline);
  });

  it('accepts a keyward JSON report as a baseline', () => {
    const findings = worktreeFindings().map(({ secret: _s, ...f }) => f);
    const baseline = parseBaseline({ version: 1, tool: { name: 'keyward' }, scan: {}, findings }, 'r.json');
    expect(baseline.entries.map((e) => e.fingerprint).sort()).toEqual(
      findings.map((f) => f.fingerprint).sort(),
    );
  });

  it.each([
    ['missing.json', undefined, 'no such file'],
    ['bad.json', '{"version":1,', 'not valid JSON'],
    ['v2.json', '{"version":2,"entries":[]}', 'unsupported version (expected 1)'],
    ['none.json', '{"version":1}', 'no entries list'],
    [
      'fp.json',
      '{"version":1,"entries":[{"fingerprint":"XYZ","ruleId":"r","path":"p"}]}',
      'entries[0].fingerprint: must be a fingerprint',
    ],
    [
      'path.json',
      `{"version":1,"entries":[{"fingerprint":"${'a'.repeat(64)}","ruleId":"r"}]}`,
      'entries[0].path: must be a path',
    ],
  ])('refuses %s (exit 2, names the file)', (name, content, reason) => {
    const dir = tempDir();
    if (content !== undefined) writeFileSync(join(dir, name), content);
    let error: unknown;
    try {
      readBaseline(join(dir, name));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).exitCode).toBe(2);
    expect((error as KeywardError).message).toContain(
      `${join(dir, name)}: cannot read the baseline (${reason}`,
    );
  });
});

describe('applyBaseline', () => {
  it('suppresses listed findings by fingerprint, even after a move, and reports new ones', () => {
    const [a, b, c] = worktreeFindings();
    const baseline = baselineOf([a!, b!]);
    const moved = { ...a!, path: 'renamed/config.ts', line: 99 };
    const result = applyBaseline([moved, b!, c!], baseline);
    expect(result.fresh).toEqual([c]);
    expect(result.suppressed.map((f) => f.path)).toEqual(['renamed/config.ts', b!.path]);
    expect(result.suppressed.every((f) => f.suppressed === 'baseline')).toBe(true);
    expect(result.stale).toEqual([]);
  });

  it('reports as new a different key on a baselined line', () => {
    const [a, b] = worktreeFindings();
    const baseline = baselineOf([a!]);
    const other = { ...b!, path: a!.path, line: a!.line, column: a!.column };
    expect(applyBaseline([other], baseline).fresh).toEqual([other]);
  });

  it('leaves inline-suppressed findings alone but counts them as still present', () => {
    const [a] = worktreeFindings();
    const allowed = { ...a!, suppressed: 'inline' as const };
    const result = applyBaseline([allowed], baselineOf([a!]));
    expect(result).toEqual({ fresh: [], suppressed: [], stale: [] });
    expect(allowed.suppressed).toBe('inline');
  });

  it('lists entries no finding matches as stale, and prunes exactly those', () => {
    const findings = worktreeFindings();
    const baseline = baselineOf(findings);
    const result = applyBaseline(findings.slice(1), baseline);
    expect(result.stale.map((e) => e.fingerprint)).toEqual([findings[0]!.fingerprint]);
    const pruned = pruneBaseline(baseline, result.stale);
    expect(pruned.entries).toHaveLength(baseline.entries.length - 1);
    expect(pruned.entries.some((e) => e.fingerprint === findings[0]!.fingerprint)).toBe(false);
  });
});
