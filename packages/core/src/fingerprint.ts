import type * as NodeCrypto from 'node:crypto';

let createHash: typeof NodeCrypto.createHash | undefined;

/**
 * Content fingerprint of a finding: a hash of the rule id and the secret, so it survives moved lines,
 * renamed files and squashed commits (positional fingerprints go stale: gitleaks#1398, #2239).
 */
export function fingerprint(ruleId: string, secret: string): string {
  // node:crypto loads on the first finding, not at start-up: ~4 ms on every commit, most of which find nothing.
  // eslint-disable-next-line no-restricted-globals -- loads a builtin module; reads no environment
  createHash ??= process.getBuiltinModule('node:crypto').createHash;
  return createHash('sha256').update(ruleId).update('\0').update(secret).digest('hex');
}
