import type { CompiledRule } from './compile.js';

/**
 * The rule a bare key belongs to (`keyward verify` reading keys from stdin): the first rule, in the rule
 * set's priority order, whose pattern takes the whole text as its secret and whose allowlist lets it
 * through. Rules that need context in the pattern itself (`key = …` for Azure, Mistral, Cohere) and the
 * generic rule never match a bare key: such keys stay unclassified rather than guessed.
 */
export function ruleForSecret(rules: readonly CompiledRule[], secret: string): CompiledRule | undefined {
  for (const rule of rules) {
    const regex = rule.regex;
    if (regex === undefined) continue;
    regex.lastIndex = 0;
    const match = regex.exec(secret);
    regex.lastIndex = 0;
    const span = match?.indices?.[rule.secretGroup];
    if (!span || span[0] !== 0 || span[1] !== secret.length) continue;
    if (rule.allowlist.some((allowed) => allowed.test(secret))) continue;
    return rule;
  }
  return undefined;
}
