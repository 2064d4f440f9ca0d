import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseMiniYaml } from '../../src/config/mini-yaml.js';

/** What the `yaml` package makes of a text (the reference), or an error marker. */
function reference(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  return doc.errors.length > 0 ? 'ERROR' : doc.toJS();
}

const SUPPORTED = [
  '',
  '# only a comment\n',
  'extends: keyward:recommended\n',
  'inlineAllow: false\nmaxFileSize: 10MB\n',
  'maxFileSize: 1048576\n',
  'rules:\n  openai-legacy-key: off\n  anthropic-api-key: { severity: critical, enabled: true }\n',
  'rules:\n  a: on # trailing comment\n  b: "off"\n',
  'ignorePaths: [fixtures/, "*.snap", \'docs/**\']\n',
  'ignorePaths:\n  - fixtures/\n  - "**/*.lock"\n  - vendor/ # third party\n',
  'ignorePaths:\n- at/the/same/indent\n- second\n',
  'allowlist:\n  secrets: ["sk-test-[a-z]+", \'demo-\\d+\']\n  fingerprints:\n    - abcdef0123456789\n',
  "customRules:\n  - id: acme-token\n    keywords: ['acme_']\n    pattern: '\\b(acme_[a-z0-9]{24})\\b'\n    examples:\n      - 'token: «acme_{{hex:24}}»'\n      - \"x = \\\"acme_{{hex:24}}\\\"\"\n    negativeExamples: []\n    secretGroup: 1\n    minEntropy: 3.5\n",
  'customRules:\n  -\n    id: spaced\n    keywords: [k]\n',
  'verify: { timeoutMs: 5000, concurrency: 2, required: yes }\n',
  'a: null\nb: ~\nc:\nd: TRUE\ne: -12\nf: 0x1F\ng: 0o17\nh: 1.5e3\ni: .5\nj: 1.\nk: +7\n',
  "quote: 'it''s'\ndq: \"tab\\tnew\\nline \\u00e9 \\x41 \\\\ \\\" \\/\"\n",
  'url: https://example.test/path?q=1#frag\nhash: a#b\n',
  'empty_flow: []\nempty_map: {}\nnested: [[a, b], {c: d}]\n',
  'key with spaces: value with spaces\n"quoted key": 1\n',
  'list:\n  - - a\n    - b\n  - c\n',
  '\uFEFFbom: true\n',
  'crlf: yes\r\nnext: no\r\n',
];

const UNSUPPORTED_OR_ERROR = [
  'a: 1\na: 2\n', // duplicate key
  'a: &x 1\nb: *x\n', // anchors
  'text: |\n  block\n', // block scalar
  'a: [1,\n  2]\n', // multi-line flow
  'a: "multi\n  line"\n',
  'a:\n\tb: 1\n', // tab indentation
  '---\na: 1\n',
  'a: !!str 1\n',
  'a: b: c\n',
  'a: 1\n  b: 2\n',
  'a:\n  b: 1\n c: 2\n',
  'a: plain\n  continued\n',
  'a: [x, ]\n',
  'a: .inf\n',
  'a: 123456789012345678901234567890\n',
  '__proto__: {polluted: 1}\n',
  '? complex\n: key\n',
  'a: "bad \\q escape"\n',
  "list:\n  -\r'lone carriage return'\n",
];

describe('parseMiniYaml', () => {
  it.each(SUPPORTED.map((t) => [JSON.stringify(t), t]))('parses %s exactly as yaml does', (_name, text) => {
    const mini = parseMiniYaml(text);
    expect(mini).not.toBeUndefined();
    expect(mini).toEqual(reference(text));
  });

  it('leaves a lone carriage return (a line break to YAML) to yaml', () => {
    expect(parseMiniYaml("examples:\n  -\r'token: x'\n")).toBeUndefined();
  });

  it.each(UNSUPPORTED_OR_ERROR.map((t) => [JSON.stringify(t), t]))('leaves %s to yaml', (_name, text) => {
    const mini = parseMiniYaml(text);
    if (mini !== undefined) expect(mini).toEqual(reference(text));
    else expect(mini).toBeUndefined();
  });

  it('never gives a result that differs from yaml on mutated configs', () => {
    // Small random edits of the supported corpus: whatever the subset parser accepts must match yaml.
    const alphabet = [
      ' ',
      '\n',
      ':',
      '-',
      '#',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ',',
      'a',
      '1',
      '\\',
      '  ',
      '\t',
    ];
    alphabet.push(
      '?',
      '&',
      '*',
      '!',
      '|',
      '>',
      '.',
      '0',
      'x',
      'e',
      '+',
      '~',
      '%',
      '@',
      '`',
      '\r',
      '\u00a0',
      '\ufeff',
    );
    let next = 12345;
    const rand = (n: number) => {
      next = (next * 1103515245 + 12345) % 2 ** 31;
      return next % n;
    };
    let compared = 0;
    for (let round = 0; round < 3000; round++) {
      const base = SUPPORTED[rand(SUPPORTED.length)]!;
      const at = rand(base.length + 1);
      const text = base.slice(0, at) + alphabet[rand(alphabet.length)] + base.slice(at + rand(2));
      const mini = parseMiniYaml(text);
      if (mini === undefined) continue;
      compared++;
      expect([text, mini]).toEqual([text, reference(text)]);
    }
    expect(compared).toBeGreaterThan(500);
  });
});
