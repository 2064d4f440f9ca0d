import { createScanner, RuleCompileError, type Scanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { applyConfigToRules, type ResolvedConfig } from '../config/index.js';
import { KeywardError } from '../errors.js';
import { bundledAnchorPlan } from './anchor-plan.js';

/** The scanner for a scan: keyward's rules with the config's switches, overrides and custom rules. */
export function buildScanner(config: ResolvedConfig): Scanner {
  const rules = applyConfigToRules(RULES, config);
  try {
    return createScanner(rules, { inlineAllow: config.inlineAllow, anchorPlan: bundledAnchorPlan });
  } catch (error) {
    if (error instanceof RuleCompileError) {
      throw new KeywardError('E_RULE_INVALID', {
        file: config.file ?? '(defaults)',
        ruleId: error.ruleId,
        reason: error.reason,
      });
    }
    throw error;
  }
}
