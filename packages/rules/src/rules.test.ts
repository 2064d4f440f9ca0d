import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScanner, compileRule } from '@keyward/core';
import { RULES, expandExample } from '@keyward/rules';
// @ts-expect-error: plain ESM build script without type declarations
import { generate, readRuleFiles, validateRule, OUTPUT } from '../scripts/generate.mjs';

interface RuleFile {
  file: string;
  rule: { id: string; examples?: string[]; negativeExamples?: string[] };
}

const files: RuleFile[] = readRuleFiles();
// The whole engine with every rule: prefilter, patterns, overlaps, entropy and placeholder filters.
const scanner = createScanner(RULES);

describe('rule files', () => {
  it('are valid, and generated.ts is up to date with them', () => {
    expect(files.flatMap(validateRule)).toEqual([]);
    expect(readFileSync(OUTPUT, 'utf8')).toBe(generate());
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s compiles', (_id, rule) => {
    expect(() => compileRule(rule)).not.toThrow();
  });
});

describe.each(files.map((f) => [f.rule.id, f] as const))('rule %s', (id, { rule }) => {
  const positives = (rule.examples ?? []).map((t, i) => [i, t] as const);
  const negatives = (rule.negativeExamples ?? []).map((t, i) => [i, t] as const);

  // A public rule's keys are found and hidden by the public-key filter; every other rule's are reported.
  const isPublic = RULES.find((r) => r.id === id)?.public === true;

  it.each(positives)('example %i gives exactly one finding of the rule', (i, template) => {
    const { text, secret } = expandExample(template, 1000 + i);
    const all = scanner.scanText(text, 'example.txt');
    const findings = isPublic
      ? all.filter((f) => f.filtered?.filter === 'public-key')
      : all.filter((f) => !f.suppressed);
    expect(findings.map((f) => f.ruleId)).toEqual([id]);
    if (isPublic) expect(all.filter((f) => !f.suppressed)).toEqual([]);
    if (secret !== undefined) expect(findings[0]!.secret).toBe(secret);
  });

  it.each(negatives)('negative example %i gives none', (i, template) => {
    const { text } = expandExample(template, 2000 + i);
    const findings = scanner.scanText(text, 'example.txt');
    // What a filter hides is not reported, and is never dropped silently: it carries its filter and reason.
    const ids = findings.filter((f) => !f.suppressed).map((f) => f.ruleId);
    expect(ids).not.toContain(id);
    for (const f of findings.filter((f) => f.suppressed === 'filter'))
      expect(f.filtered?.reason).toBeTruthy();
    if (id.startsWith('openai-')) expect(ids.filter((r) => r.startsWith('openai-'))).toEqual([]);
  });
});
