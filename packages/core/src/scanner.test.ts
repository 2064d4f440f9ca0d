import { describe, expect, it } from 'vitest';
import { RULES } from '@keyward/rules';
import { fakeKey } from '@keyward/test-utils';
import { createScanner } from './scanner.js';
import { fingerprint } from './fingerprint.js';

const scanner = createScanner(RULES);
const project = fakeKey('openai-project', 11);

describe('createScanner', () => {
  it('reports 1-based lines and UTF-16 columns, end column exclusive', () => {
    const text = `first line\nconst emoji = "😀"; const k = "${project}";\n`;
    const [f] = scanner.scanText(text, 'a.ts');
    const column = 'const emoji = "😀"; const k = "'.length + 1;
    expect(f).toMatchObject({
      ruleId: 'openai-project-key',
      line: 2,
      column,
      endLine: 2,
      endColumn: column + project.length,
    });
    expect(f!.secret).toBe(project);
  });

  it('redacts to the family prefix and the last 4 characters, and fingerprints by content', () => {
    const [f] = scanner.scanText(`k=${project}`, 'a');
    expect(f!.redacted).toBe(`sk-proj-…${project.slice(-4)}`);
    expect(f!.fingerprint).toBe(fingerprint('openai-project-key', project));
    const [moved] = scanner.scanText(`\n\n  other = "${project}"`, 'b');
    expect(moved!.fingerprint).toBe(f!.fingerprint);
  });

  it('marks findings allowed inline and honours the other tools’ markers', () => {
    for (const line of [
      `k = "${project}" // keyward:allow`,
      `k = "${project}" # gitleaks:allow`,
      `k = "${project}"  # pragma: allowlist secret`,
      `// keyward:allow-next-line\nk = "${project}"`,
      `# pragma: allowlist nextline secret\nk = "${project}"`,
    ]) {
      expect(scanner.scanText(line, 'a').map((f) => f.suppressed)).toEqual(['inline']);
    }
    expect(
      scanner.scanText(`k = "${project}" // keyward:allow-next-line`, 'a')[0]!.suppressed,
    ).toBeUndefined();
    expect(scanner.scanText(`// keyward:allow\n\nk = "${project}"`, 'a')[0]!.suppressed).toBeUndefined();
  });

  it('ignores inline allow comments when told to (CI review mode)', () => {
    const strict = createScanner(RULES, { inlineAllow: false });
    expect(strict.scanText(`k = "${project}" // keyward:allow`, 'a')[0]!.suppressed).toBeUndefined();
  });

  it('reports a key assigned to a secret-like name once, under its format rule', () => {
    const findings = scanner.scanText(`OPENAI_API_KEY="${project}"`, '.env');
    expect(findings.map((f) => f.ruleId)).toEqual(['openai-project-key']);
  });

  it('finds every key on a long minified line, each once', () => {
    const keys = [fakeKey('openai-project', 1), fakeKey('openai-admin', 2), fakeKey('openai-legacy', 3)];
    const line = keys.map((k, i) => `${'var a=1;'.repeat(5000)}x${i}="${k}"`).join(';');
    expect(scanner.scanText(line, 'min.js').map((f) => f.secret)).toEqual(keys);
  });

  it('finds keys in bytes that are not valid UTF-8', () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x20, ...new TextEncoder().encode(`k=${project}\n`), 0xc3]);
    expect(scanner.scan(bytes, 'bin').map((f) => f.secret)).toEqual([project]);
  });

  it('stays linear on adversarial input (no catastrophic backtracking)', () => {
    const marker = ['T3Bl', 'bkFJ'].join('');
    const base64 = 'A'.repeat(50) + 'b9_-';
    const time = (mb: number) => {
      const unit = `sk-${'sk-'.repeat(20)}${marker.repeat(10)}${base64.repeat(5)}sk-proj-${marker} api_key=`;
      const text = unit.repeat(Math.ceil((mb * 1e6) / unit.length));
      const t = performance.now();
      scanner.scanText(text, 'adversarial');
      return performance.now() - t;
    };
    time(0.2); // warm up
    const small = time(1);
    const large = time(4);
    // A guard against super-linear patterns, not a speed target: 4x the input may not cost 12x the time.
    expect(large / Math.max(small, 1)).toBeLessThan(12);
  });

  it('finds the same in a Buffer, a view into the middle of one, and a Uint8Array', () => {
    const value = ['q7Vz2LmN9x', 'R4tK8wB3hJ6cF1'].join(''); // built here: no key-like literal in the source
    const text = `const a = 1;\napi_key = "${value}"\nconst k = "${project}";\n`;
    const plain = new TextEncoder().encode(text);
    const padded = Buffer.concat([
      Buffer.from('x'.repeat(100)),
      Buffer.from(text),
      Buffer.from('y'.repeat(50)),
    ]);
    const middle = padded.subarray(100, 100 + plain.length);
    const expected = scanner.scan(plain, 'a.ts');
    expect(expected.map((f) => f.ruleId).sort()).toEqual(['generic-secret', 'openai-project-key']);
    expect(scanner.scan(Buffer.from(text), 'a.ts')).toEqual(expected);
    expect(scanner.scan(middle, 'a.ts')).toEqual(expected);
  });

  it('finds keys whole among bytes 0x80-0x9f (which windows-1252 reads as other characters)', () => {
    const high = [0x80, 0x85, 0x9f, 0x93, 0xa0];
    const value = ['q7Vz2LmN9x', 'R4tK8wB3hJ6cF1'].join(''); // built here: no key-like literal in the source
    const line = (filler: number[]) =>
      new Uint8Array([
        ...filler,
        ...new TextEncoder().encode(` api_key = "${value}" k="${project}" `),
        ...filler,
        0x0a,
      ]);
    const spelled = (f: { secret: string; column: number; ruleId: string }) => [f.ruleId, f.secret, f.column];
    const plain = scanner.scan(line(high.map(() => 0x78)), 'a');
    const expected = scanner.scan(line(high), 'a').map(spelled);
    expect(expected.map(([, secret]) => secret)).toEqual(plain.map((f) => f.secret));
    expect(expected.map(([, secret]) => secret)).toEqual([value, project]);
  });

  it('scans its input buffer where it lies, with the findings of a copy (before and after WASM is set up)', () => {
    const own = createScanner(RULES);
    const filler = 'const value = compute(input, output); // nothing here\n'.repeat(4000); // > the WASM warm-up
    const text = new TextEncoder().encode(`${filler}const k = "${project}";\n`);
    for (let round = 0; round < 6; round++) {
      const buffer = own.inputBuffer(text.length);
      buffer.set(text);
      const inPlace = own.scan(buffer.subarray(0, text.length), 'a.ts');
      expect(inPlace.map((f) => [f.ruleId, f.line, f.secret])).toEqual([
        ['openai-project-key', 4001, project],
      ]);
      expect(own.scan(text.slice(), 'a.ts')).toEqual(inPlace);
    }
  });
});
