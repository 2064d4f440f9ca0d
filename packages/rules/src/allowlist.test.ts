import { describe, expect, it } from 'vitest';
import { createScanner, placeholderReason } from '@keyward/core';
import { RULES } from '@keyward/rules';

/**
 * Rule allowlists name well-known public keys (Google's Firebase SDK, Chrome and Analytics keys, Stripe's
 * documentation test key, the Google Authenticator example secret). Each entry is written `PREFIX(?:REST)`
 * so that the repository holds no key-shaped literal; here the key is put back together to check that the
 * allowlist, not some other filter, is what keeps it out of the report (under `secret_key`, a name the
 * generic rule takes too).
 */

const SPLIT_LITERAL = /^([A-Za-z0-9_-]+)\(\?:([A-Za-z0-9_-]+)\)$/;
const withAllowlists = RULES.filter((r) => (r.allowlist ?? []).length > 0);
const scanner = createScanner(RULES);

describe.each(withAllowlists.map((r) => [r.id, r] as const))('allowlist of %s', (id, rule) => {
  const entries = rule.allowlist!.map((source) => [source, SPLIT_LITERAL.exec(source)] as const);
  const withoutAllowlist = createScanner(RULES.map((r) => (r.id === id ? { ...r, allowlist: [] } : r)));

  it.each(entries)('%s is a split literal that no rule reports as written', (source, parts) => {
    expect(parts).not.toBeNull();
    expect(scanner.scanText(source, 'rules.yaml')).toEqual([]);
  });

  it.each(entries)(
    '%s: the key it names is hidden by the allowlist filter, not reported',
    (_source, parts) => {
      const key = parts![1]! + parts![2]!;
      const found = scanner.scanText(`secret_key = "${key}"`, 'app.js');
      expect(found.filter((f) => !f.suppressed).map((f) => f.ruleId)).not.toContain(id);
      expect(found.filter((f) => f.ruleId === id).map((f) => f.filtered?.filter)).toEqual(['allowlist']);
    },
  );

  it.each(entries.filter(([, parts]) => parts && !placeholderReason(parts[2]!)))(
    '%s: without the allowlist the key would be reported',
    (_source, parts) => {
      const key = parts![1]! + parts![2]!;
      const found = withoutAllowlist
        .scanText(`secret_key = "${key}"`, 'app.js')
        .filter((f) => f.ruleId === id && !f.suppressed);
      expect(found.map((f) => f.secret)).toEqual([key]);
    },
  );
});
