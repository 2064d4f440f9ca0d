import { describe, expect, it } from 'vitest';
import { createScanner, placeholderReason } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { expandExample } from './examples.js';
import { readRuleFiles } from '../scripts/generate.mjs';

/**
 * Rule allowlists name well-known public keys (Google's Firebase SDK, Chrome and Analytics keys, Stripe's
 * documentation test key, the Google Authenticator example secret, git's test-suite PGP keys). Each entry
 * is written `PREFIX(?:REST)` so that the repository holds no key-shaped literal; here the key is put back
 * together to check that the allowlist, not some other filter, is what keeps it out of the report (under
 * `secret_key`, a name the generic rule takes too). A key block (PGP) is named by how it begins:
 * `PREFIX(?:REST)[\s\S]*`, checked inside the rule's first example with its key made to begin so.
 */

const SPLIT_LITERAL = /^([A-Za-z0-9_/+-]+)\(\?:([A-Za-z0-9_/+-]+)\)(\[\\s\\S\]\*)?$/;
const withAllowlists = RULES.filter((r) => (r.allowlist ?? []).length > 0);
/** Each rule's examples, from its file (the compiled rules do not carry them). */
const EXAMPLES = new Map(
  (readRuleFiles() as Array<{ rule: { id: string; examples?: string[] } }>).map(({ rule }) => [
    rule.id,
    rule.examples ?? [],
  ]),
);
const scanner = createScanner(RULES);

describe.each(withAllowlists.map((r) => [r.id, r] as const))('allowlist of %s', (id, rule) => {
  const entries = rule.allowlist!.map((source) => [source, SPLIT_LITERAL.exec(source)] as const);
  const withoutAllowlist = createScanner(RULES.map((r) => (r.id === id ? { ...r, allowlist: [] } : r)));

  it.each(entries)('%s is a split literal that no rule reports as written', (source, parts) => {
    expect(parts).not.toBeNull();
    expect(scanner.scanText(source, 'rules.yaml')).toEqual([]);
  });

  /** The text a key is found in: an assignment, or for a block the rule's first example beginning so. */
  const textOf = (parts: RegExpExecArray): string => {
    const key = parts[1]! + parts[2]!;
    if (!parts[3]) return `secret_key = "${key}"`;
    const { text, secret } = expandExample(EXAMPLES.get(id)![0]!, 1);
    return text.replace(secret!, key + secret!.slice(key.length));
  };

  it.each(entries)(
    '%s: the key it names is hidden by the allowlist filter, not reported',
    (_source, parts) => {
      const found = scanner.scanText(textOf(parts!), 'app.js');
      expect(found.filter((f) => !f.suppressed).map((f) => f.ruleId)).not.toContain(id);
      expect(found.filter((f) => f.ruleId === id).map((f) => f.filtered?.filter)).toEqual(['allowlist']);
    },
  );

  it.each(entries.filter(([, parts]) => parts && !placeholderReason(parts[2]!)))(
    '%s: without the allowlist the key would be reported',
    (_source, parts) => {
      const key = parts![1]! + parts![2]!;
      const found = withoutAllowlist
        .scanText(textOf(parts!), 'app.js')
        .filter((f) => f.ruleId === id && !f.suppressed);
      expect(found.map((f) => (parts![3] ? f.secret.slice(0, key.length) : f.secret))).toEqual([key]);
    },
  );
});
