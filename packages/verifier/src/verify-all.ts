import { redact, redactIn, type Verification } from '@keyward/core';
import { resolveBaseUrls, type ResolvedBase } from './base-url.js';
import { exchange, type ExchangeContext } from './exchange.js';
import { nodeTransport } from './http.js';
import { createLimiter } from './limiter.js';
import { checkFor, unsupportedReason } from './providers/index.js';
import { mapReach } from './reach.js';
import type { Clock, ProviderId, VerifyItem, VerifyOptions } from './types.js';

export const DEFAULTS = {
  concurrency: 4,
  perHost: 2,
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 1_000,
  maxRetryAfterMs: 30_000,
  userAgent: 'keyward (secret verification; +https://github.com/keyward/keyward)',
} as const;

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Checks each distinct secret once against its provider (chosen by rule id) and returns a verdict per
 * secret. GET requests only, a few in flight, strict timeouts, a small retry budget. Throws BaseUrlError,
 * before any request, when a base-URL override cannot be used.
 */
export async function verifyAll(
  items: readonly VerifyItem[],
  options: VerifyOptions = {},
): Promise<Map<string, Verification>> {
  const bases = resolveBaseUrls(options.env, options.baseUrls);
  const bySecret = new Map<string, VerifyItem>();
  for (const item of items) if (!bySecret.has(item.secret)) bySecret.set(item.secret, item);
  announceOverrides(
    bases,
    [...bySecret.values()].map((item) => item.ruleId),
    options.onNotice,
  );

  const ctx: ExchangeContext = {
    transport: options.transport ?? nodeTransport,
    limiter: createLimiter(options.concurrency ?? DEFAULTS.concurrency, options.perHost ?? DEFAULTS.perHost),
    clock: options.clock ?? realClock,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: Math.max(0, options.retries ?? DEFAULTS.retries),
    backoffMs: options.backoffMs ?? DEFAULTS.backoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    userAgent: options.userAgent ?? DEFAULTS.userAgent,
    hostFailures: new Map(),
    deadHosts: new Map(),
  };
  const entries = [...bySecret.values()];
  const verdicts = await Promise.all(
    entries.map((item) => verifyOne(ctx, bases, item, options.blastRadius ?? false)),
  );
  return new Map(entries.map((item, i) => [item.secret, verdicts[i]!]));
}

async function verifyOne(
  ctx: ExchangeContext,
  bases: Record<ProviderId, ResolvedBase>,
  { ruleId, secret, redacted }: VerifyItem,
  blastRadius: boolean,
): Promise<Verification> {
  const check = checkFor(ruleId);
  if (!check) return { status: 'unknown', reason: 'unsupported', detail: unsupportedReason(ruleId) };
  const base = bases[check.provider].url;
  let verdict = await exchange(ctx, new URL(base + check.path), check.headers(secret), check.interpret);
  const followUp = check.followUp;
  if (followUp?.when(verdict)) {
    const first = verdict;
    const refined = await exchange(ctx, new URL(base + followUp.path), check.headers(secret), (response) =>
      followUp.interpret(first, response),
    );
    // A follow-up that failed (network, timeout) leaves the first answer as it was.
    if (refined.status === first.status) verdict = refined;
  }
  const verification: Verification = {
    status: verdict.status,
    reason: verdict.reason,
    detail: verdict.detail,
  };
  // What the verification answer itself said the key reaches (GitHub's and Slack's scopes).
  if (verdict.reach) verification.reach = verdict.reach;
  if (verdict.severity) verification.severity = verdict.severity;
  if (blastRadius && verdict.status === 'live' && check.reach) {
    verification.reach = await mapReach(ctx, check, base, secret, verdict);
  }
  return scrub(verification, secret, redacted ?? redact(secret));
}

/** Last line of defence: no detail ever carries the secret, whatever a provider echoed. */
function scrub(verification: Verification, secret: string, redacted: string): Verification {
  if (!verification.detail.includes(secret)) return verification;
  return { ...verification, detail: redactIn(verification.detail, [{ secret, redacted }]) };
}

function announceOverrides(
  bases: Record<ProviderId, ResolvedBase>,
  ruleIds: string[],
  onNotice: ((line: string) => void) | undefined,
): void {
  if (!onNotice) return;
  const used = new Set(ruleIds.map((ruleId) => checkFor(ruleId)?.provider).filter((p) => p !== undefined));
  for (const provider of used) {
    const base = bases[provider];
    if (base.source)
      onNotice(`sending ${provider} keys to ${base.url} (set by ${base.source}), not to the official host`);
  }
}
