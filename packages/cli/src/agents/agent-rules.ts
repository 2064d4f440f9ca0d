import type { RuleMeta } from '../report.js';

/**
 * The agent audit's own rules, apart from the code that applies them: `keyward merge` names them in an
 * audit's SARIF without loading the audit.
 */

/** The rule for a high-entropy literal in a field whose name says it holds a secret. */
export const SECRET_FIELD_RULE = 'agent-secret-field';
/** A project setting that points a provider's base URL somewhere (CVE-2026-21852). */
export const BASE_URL_RULE = 'agent-base-url';
/** A project setting that makes the agent run a command to get its key. */
export const KEY_HELPER_RULE = 'agent-api-key-helper';
/** A credential store other users can read (mode wider than 0600). */
export const MODE_RULE = 'agent-credentials-mode';

/** What reports (SARIF's rule list, titles in GitHub and JUnit) say about the audit's own rules. */
export const AGENT_RULES: readonly RuleMeta[] = [
  {
    id: SECRET_FIELD_RULE,
    title: 'Literal secret in a secret-named field of an agent configuration',
    provider: 'agents',
    severity: 'high',
    confidence: 'medium',
    remediation: "Move the value out of the file and reference it with the tool's own form.",
  },
  {
    id: BASE_URL_RULE,
    title: "Project setting points a provider's base URL at another host",
    provider: 'agents',
    severity: 'high',
    confidence: 'high',
    remediation: 'Remove it from the project settings (CVE-2026-21852).',
    references: ['https://github.com/advisories/GHSA-jh7p-qr78-84p7'],
  },
  {
    id: KEY_HELPER_RULE,
    title: 'Project setting runs a command to produce the API key (apiKeyHelper)',
    provider: 'agents',
    severity: 'high',
    confidence: 'high',
    remediation: 'Keep apiKeyHelper in your user settings only.',
  },
  {
    id: MODE_RULE,
    title: 'Agent credential store readable by other users',
    provider: 'agents',
    severity: 'high',
    confidence: 'high',
    remediation: 'chmod 600 the file.',
  },
];

/** The audit's findings that are not keys: nothing to verify. */
export const NOT_KEYS: ReadonlySet<string> = new Set([BASE_URL_RULE, KEY_HELPER_RULE, MODE_RULE]);
