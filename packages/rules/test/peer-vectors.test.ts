import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import {
  PEER_VECTORS_DIR,
  expectedKeys,
  isOpenAiKind,
  loadPeerVectors,
  problemLines,
  recallByFamily,
  score,
  summaryTable,
  type Outcome,
} from './peer-vectors.js';
import { KNOWN_MISSES } from './known-misses.js';

/**
 * DESIGN §4 quality budget on the held-out peer vectors: every OpenAI key exactly, nothing else under an
 * `openai-` id, and the other providers' non-disputed positives (budget 95%). Rules are written from the key
 * formats, never tuned to single lines here. Locally the corpus may be absent (skip); in CI it sits beside
 * the clone and its absence is a failure.
 */

const present = existsSync(PEER_VECTORS_DIR);
const OTHER_PROVIDER_RECALL = 0.95;

describe.skipIf(!present && !process.env.CI)('peer vectors', () => {
  const scanner = createScanner(RULES);
  const outcomes: Outcome[] = present
    ? loadPeerVectors().map((vector) => {
        const findings = scanner.scanText(vector.text, 'vector.txt').filter((f) => !f.suppressed);
        return score(vector, findings, RULES);
      })
    : [];
  const label = (o: Outcome) => `${o.vector.where} ${o.vector.kind}`;
  const openAiPositives = outcomes.filter(
    (o) => o.vector.expect === 'positive' && !o.vector.disputed && isOpenAiKind(o.vector),
  );
  const otherPositives = outcomes.filter((o) => o.vector.expect === 'positive' && !isOpenAiKind(o.vector));
  const negatives = outcomes.filter((o) => o.vector.expect === 'negative');

  it('are present beside the repository', () => {
    expect(
      present,
      `peer vectors not found at ${PEER_VECTORS_DIR} (expected ../shared/eval/peer-vectors beside the clone, or KEYWARD_PEER_VECTORS)`,
    ).toBe(true);
    expect(openAiPositives.length).toBeGreaterThan(0);
    process.stdout.write(
      `\npeer vectors (${PEER_VECTORS_DIR})\n${summaryTable(outcomes)}\n${problemLines(outcomes).join('\n')}\n`,
    );
    process.stdout.write(`recall by family: ${recallByFamily(outcomes, RULES).join('; ')}\n`);
  });

  it.each(openAiPositives.map((o) => [label(o), o] as const))(
    'OpenAI positive %s: every key exactly, under an openai- rule',
    (_label, { vector, findings }) => {
      for (const { secret } of expectedKeys(vector)) {
        const exact = findings.filter((f) => f.secret === secret).map((f) => f.ruleId);
        expect(exact.some((id) => id.startsWith('openai-'))).toBe(true);
      }
    },
  );

  it('no negative yields an openai- finding', () => {
    const flagged = negatives.filter((o) => o.findings.some((f) => f.ruleId.startsWith('openai-')));
    expect(flagged.map(label)).toEqual([]);
  });

  it('no non-OpenAI positive yields an openai- finding', () => {
    const flagged = otherPositives.filter((o) => o.findings.some((f) => f.ruleId.startsWith('openai-')));
    expect(flagged.map(label)).toEqual([]);
  });

  // DESIGN §4 asks for 95% of these. It is not met yet: the misses are listed with their reasons in
  // known-misses.ts and the budget line below says by how much; each vector's outcome is asserted exactly.
  const scoredOthers = otherPositives.filter((o) => !o.vector.disputed);
  it.each(scoredOthers.map((o) => [label(o), o] as const))(
    'other-provider positive %s: found under its provider, unless a known miss',
    (where, { vector, found }) => {
      const reason = KNOWN_MISSES[vector.where];
      if (reason === undefined) expect(found, `${where} missed`).toBe(true);
      else expect(found, `${where} is found now: remove it from KNOWN_MISSES (${reason})`).toBe(false);
    },
  );

  it('lists only non-disputed other-provider positives as known misses', () => {
    const scored = new Set(scoredOthers.map((o) => o.vector.where));
    expect(Object.keys(KNOWN_MISSES).filter((where) => !scored.has(where))).toEqual([]);
  });

  it(`reports other-provider recall against the ${OTHER_PROVIDER_RECALL * 100}% budget`, () => {
    expect(scoredOthers.length).toBeGreaterThan(0);
    const found = scoredOthers.filter((o) => o.found).length;
    const byReason = new Map<string, number>();
    for (const reason of Object.values(KNOWN_MISSES)) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    const recall = found / scoredOthers.length;
    process.stdout.write(
      `other-provider recall ${found}/${scoredOthers.length} = ${(100 * recall).toFixed(1)}% ` +
        `(budget ${OTHER_PROVIDER_RECALL * 100}%: ${recall >= OTHER_PROVIDER_RECALL ? 'met' : 'NOT met'}); ` +
        `misses by reason: ${[...byReason].map(([r, n]) => `${r} ${n}`).join(', ')}\n`,
    );
    expect(found + Object.keys(KNOWN_MISSES).length).toBe(scoredOthers.length);
  });
});
