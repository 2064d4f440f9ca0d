import type { Verification } from '@keyward/core';
import { exchange, type ExchangeContext } from './exchange.js';
import type { Check } from './providers/index.js';
import type { Verdict } from './types.js';

export type ReachState = 'reachable' | 'denied' | 'unknown';

/** A probe's verdict as an area state: authenticated → reachable, missing scope → denied, else unknown. */
export function reachState(verdict: Verdict): ReachState {
  if (verdict.status === 'live' && verdict.reason === 'ok') return 'reachable';
  if (verdict.status === 'live' && verdict.reason === 'restricted') return 'denied';
  return 'unknown';
}

/**
 * What a live key can reach, by read-only `GET …?limit=1` probes (they list at most one item and cost
 * nothing). The verification request answers for its own area; areas no GET can settle stay unknown.
 */
export async function mapReach(
  ctx: ExchangeContext,
  check: Check,
  base: string,
  secret: string,
  verdict: Verdict,
): Promise<NonNullable<Verification['reach']>> {
  const plan = check.reach!;
  const reach: NonNullable<Verification['reach']> = {};
  if (plan.verifiedArea) reach[plan.verifiedArea] = reachState(verdict);
  const states = await Promise.all(
    plan.probes.map(async (probe) => {
      const headers = { ...check.headers(secret), ...probe.headers };
      return reachState(await exchange(ctx, new URL(base + probe.path), headers, check.interpret));
    }),
  );
  plan.probes.forEach((probe, i) => (reach[probe.area] = states[i]!));
  for (const area of plan.unknowable ?? []) reach[area] = 'unknown';
  return reach;
}
