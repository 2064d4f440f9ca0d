import { familyOf, type Finding, type RuleSpec } from '@keyward/core';
import { KeywardError } from '../errors.js';
import type { ResolvedConfig } from './types.js';

/**
 * The rules a scan runs: keyward's defaults (unless `extends: keyward:none`) plus the custom rules, with
 * the config's on/off switches (by rule, or by family: a rule's own switch wins) and severity overrides
 * applied. Pure. An override naming no rule, or a
 * custom rule reusing a built-in id, is an error naming the file and key (a typo must not silently keep
 * a rule on).
 */
export function applyConfigToRules(
  rules: readonly RuleSpec[],
  config: Pick<ResolvedConfig, 'file' | 'extends' | 'rules' | 'customRules' | 'families'>,
): RuleSpec[] {
  const file = config.file ?? '(defaults)';
  const builtIn = config.extends === 'keyward:none' ? [] : rules;
  const builtInIds = new Set(rules.map((rule) => rule.id));
  config.customRules.forEach((rule, i) => {
    if (builtInIds.has(rule.id)) {
      throw new KeywardError('E_CONFIG_INVALID', {
        file,
        key: `customRules[${i}].id`,
        reason: `${rule.id} is a built-in rule; choose another id (or turn the built-in off under rules)`,
      });
    }
  });
  const custom: RuleSpec[] = config.customRules.map(
    ({ examples: _e, negativeExamples: _n, ...rule }) => rule,
  );
  // Where matches overlap, the earlier rule wins: a custom rule (a key format) goes after the built-in
  // format rules and before the generic entropy rules, which would otherwise claim `NAME=value` lines.
  const all = [
    ...builtIn.filter((rule) => rule.kind !== 'generic'),
    ...custom,
    ...builtIn.filter((rule) => rule.kind === 'generic'),
  ];
  const ids = new Set(all.map((rule) => rule.id));
  for (const id of config.rules.keys()) {
    if (!ids.has(id)) {
      const hint = builtInIds.has(id) ? ' (extends is keyward:none)' : '';
      throw new KeywardError('E_CONFIG_INVALID', { file, key: `rules.${id}`, reason: `no such rule${hint}` });
    }
  }
  const out: RuleSpec[] = [];
  for (const rule of all) {
    const override = config.rules.get(rule.id);
    if (override?.enabled === false) continue;
    if (override?.enabled !== true && config.families?.get(familyOf(rule)) === false) continue;
    out.push(override?.severity ? { ...rule, severity: override.severity } : rule);
  }
  return out;
}

/** True when the config's allowlist covers this finding (by fingerprint, or a regex over the whole secret). */
export function isAllowedByConfig(
  finding: Pick<Finding, 'fingerprint' | 'secret'>,
  config: Pick<ResolvedConfig, 'allowlist'>,
): boolean {
  const { fingerprints, secrets } = config.allowlist;
  return fingerprints.has(finding.fingerprint) || secrets.some((re) => re.test(finding.secret));
}
