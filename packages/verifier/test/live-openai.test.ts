import { describe, expect, it } from 'vitest';
import { compileRules, ruleForSecret } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { verifyAll } from '@keyward/verifier';

/**
 * Opt-in: runs only when KEYWARD_LIVE_OPENAI_KEY holds a real, live OpenAI key, and then sends exactly one
 * GET /v1/models (and the read-only blast-radius probes) to api.openai.com. Every other test stays on
 * 127.0.0.1.
 */
const key = process.env.KEYWARD_LIVE_OPENAI_KEY?.trim();

describe.skipIf(!key)('live OpenAI API (KEYWARD_LIVE_OPENAI_KEY)', () => {
  it('reports the key live against the real API, with a reach map', async () => {
    const ruleId = ruleForSecret(compileRules(RULES).rules, key!)?.spec.id;
    expect(ruleId).toMatch(/^openai-/);
    const results = await verifyAll([{ ruleId: ruleId!, secret: key! }], { blastRadius: true, env: {} });
    const verification = results.get(key!)!;
    expect(verification.status).toBe('live');
    expect(verification.reach?.inference).toBe('unknown');
    expect(JSON.stringify(verification)).not.toContain(key!);
  });
});
