import { createHash } from 'node:crypto';

/**
 * Content fingerprint of a finding: a hash of the rule id and the secret, so it survives moved lines,
 * renamed files and squashed commits (positional fingerprints go stale: gitleaks#1398, #2239).
 */
export function fingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(ruleId).update('\0').update(secret).digest('hex');
}
