import { createScanner, type RuleSpec } from '@keyward/core';
import { expandExample } from '@keyward/rules';
import type { CustomRule } from './types.js';

export interface ExampleProblem {
  ruleId: string;
  /** `examples[2]` or `negativeExamples[0]`. */
  example: string;
  /** What went wrong, without the example's text (it may hold something key-shaped). */
  problem: string;
}

export interface RuleCheck {
  ruleId: string;
  examples: number;
  negativeExamples: number;
  problems: ExampleProblem[];
}

/**
 * Runs each custom rule's examples through the whole engine with every rule in effect (prefilter,
 * pattern, entropy, placeholder filters, overlaps): a positive example must give exactly one finding, of
 * this rule (and, when the secret is marked `«…»`, exactly that secret); a negative example none of it.
 * Examples may use `{{alphabet:length}}` placeholders so that no key-shaped literal is committed.
 */
export function checkCustomRules(rules: readonly RuleSpec[], custom: readonly CustomRule[]): RuleCheck[] {
  const scanner = createScanner(rules, { inlineAllow: false });
  return custom.map((rule) => {
    const problems: ExampleProblem[] = [];
    rule.examples.forEach((template, i) => {
      const example = `examples[${i}]`;
      const expanded = expand(template, 1000 + i);
      if ('error' in expanded) return problems.push({ ruleId: rule.id, example, problem: expanded.error });
      const found = scanner.scanText(expanded.text, 'example.txt');
      const ids = found.map((f) => f.ruleId);
      if (ids.length !== 1 || ids[0] !== rule.id) {
        problems.push({
          ruleId: rule.id,
          example,
          problem: `expected one finding of ${rule.id}, got ${ids.length === 0 ? 'none' : ids.join(', ')}`,
        });
      } else if (expanded.secret !== undefined && found[0]!.secret !== expanded.secret) {
        problems.push({
          ruleId: rule.id,
          example,
          problem: 'found a different span than the one marked «…»',
        });
      }
      return undefined;
    });
    rule.negativeExamples.forEach((template, i) => {
      const example = `negativeExamples[${i}]`;
      const expanded = expand(template, 2000 + i);
      if ('error' in expanded) return problems.push({ ruleId: rule.id, example, problem: expanded.error });
      const hits = scanner.scanText(expanded.text, 'example.txt').filter((f) => f.ruleId === rule.id);
      if (hits.length > 0) problems.push({ ruleId: rule.id, example, problem: `${rule.id} reported it` });
      return undefined;
    });
    return {
      ruleId: rule.id,
      examples: rule.examples.length,
      negativeExamples: rule.negativeExamples.length,
      problems,
    };
  });
}

function expand(template: string, seed: number): { text: string; secret?: string } | { error: string } {
  try {
    return expandExample(template, seed);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
