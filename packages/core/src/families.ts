import type { RuleSpec } from './types.js';

/**
 * Rule families, in the order `keyward rules list` shows them, with their titles. A config switch turns a
 * whole family off (`"families": { "payments": "off" }`) for teams that run another scanner for it.
 */
export const RULE_FAMILIES = {
  ai: 'AI providers',
  'code-hosts': 'Code hosts',
  'package-registries': 'Package registries',
  cloud: 'Cloud',
  'private-keys': 'Private keys',
  payments: 'Payments',
  chat: 'Chat and messaging',
  'agent-tools': 'Agent tools',
  observability: 'Analytics and monitoring',
  databases: 'Databases and backends',
  custom: 'Custom rules',
  generic: 'Generic secrets',
} as const;

export type RuleFamily = keyof typeof RULE_FAMILIES;

/** A rule's family: its own, `generic` for the entropy rule, `custom` for a rule without one. */
export function familyOf(rule: Pick<RuleSpec, 'family' | 'kind'>): string {
  return rule.family ?? (rule.kind === 'generic' ? 'generic' : 'custom');
}
