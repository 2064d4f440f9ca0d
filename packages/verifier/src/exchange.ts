import type { Limiter } from './limiter.js';
import { TransportError, type Clock, type HttpResponse, type Transport, type Verdict } from './types.js';

/** Everything one verification run shares: transport, limits, clock, retry budget, hosts found dead. */
export interface ExchangeContext {
  transport: Transport;
  limiter: Limiter;
  clock: Clock;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxRetryAfterMs: number;
  userAgent: string;
  /** Transport failures in a row, per host. */
  hostFailures: Map<string, number>;
  /** Hosts that failed that often: later requests there are skipped. */
  deadHosts: Map<string, 'timeout' | 'network'>;
}

/** Same-origin redirects (a trailing slash, say) are followed this many times; other origins never. */
const MAX_SAME_ORIGIN_REDIRECTS = 2;

type Outcome =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'failed'; error: TransportError }
  | { kind: 'redirect'; host: string; sameOrigin: boolean };

/**
 * Sends one GET to `url` (whose origin is the provider's resolved base, checked by the caller) and turns the
 * answer into a verdict with `interpret`. A verdict marked `retry`, a timeout or a failed connection is
 * tried again after a backoff (or the server's `Retry-After`), up to the retry budget; then the last
 * verdict stands, always `unknown`, never `invalid`.
 */
export async function exchange(
  ctx: ExchangeContext,
  url: URL,
  headers: Record<string, string>,
  interpret: (response: HttpResponse) => Verdict,
): Promise<Verdict> {
  const host = url.host;
  const attempts = ctx.retries + 1;
  let last: Verdict | undefined;
  for (let attempt = 1; ; attempt++) {
    // Dead hosts are checked once a slot is free, and health noted before it is released, so a request
    // that waited sees a host given up on meanwhile.
    const outcome = await ctx.limiter.run(host, async (): Promise<Outcome | undefined> => {
      if (ctx.deadHosts.has(host)) return undefined;
      const sent = await send(ctx, url, headers);
      noteHostHealth(ctx, host, sent, attempts);
      return sent;
    });
    if (outcome === undefined) {
      const dead = ctx.deadHosts.get(host)!;
      return last
        ? final(last, `${plural(attempt - 1, 'attempt')}, then keyward gave up on ${host}`)
        : deadHostVerdict(host, dead);
    }
    const verdict = toVerdict(outcome, interpret, ctx.timeoutMs);
    if (!verdict.retry) return verdict;
    last = verdict;
    if (attempt >= attempts) return final(verdict, `after ${plural(attempts, 'attempt')}`);
    const retryAfter =
      outcome.kind === 'response' ? parseRetryAfter(outcome.response, ctx.clock.now()) : undefined;
    if (retryAfter !== undefined && retryAfter > ctx.maxRetryAfterMs) {
      return final(verdict, `the server asked to wait ${Math.ceil(retryAfter / 1000)} s; not waiting`);
    }
    await ctx.clock.sleep(retryAfter ?? ctx.backoffMs * 2 ** (attempt - 1));
  }
}

/**
 * A host that times out or refuses connections as many times in a row as one key may try is given up on
 * for the rest of the run: with a hanging host, the run costs one key's retry budget, not every key's.
 */
function noteHostHealth(ctx: ExchangeContext, host: string, outcome: Outcome, attempts: number): void {
  if (outcome.kind !== 'failed') {
    ctx.hostFailures.set(host, 0);
    return;
  }
  const failures = (ctx.hostFailures.get(host) ?? 0) + 1;
  ctx.hostFailures.set(host, failures);
  if (failures >= attempts) ctx.deadHosts.set(host, outcome.error.kind);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function send(ctx: ExchangeContext, start: URL, headers: Record<string, string>): Promise<Outcome> {
  let url = start;
  for (let hop = 0; ; hop++) {
    let response: HttpResponse;
    try {
      response = await ctx.transport({
        url,
        headers: { ...headers, 'user-agent': ctx.userAgent, accept: 'application/json' },
        timeoutMs: ctx.timeoutMs,
      });
    } catch (error) {
      return {
        kind: 'failed',
        error: error instanceof TransportError ? error : new TransportError('network', 'EIO'),
      };
    }
    const location = response.headers.location;
    if (response.status < 300 || response.status > 399 || location === undefined)
      return { kind: 'response', response };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { kind: 'response', response };
    }
    // The key rides in a header: following a redirect to any other origin would hand it to that host.
    const sameOrigin = next.origin === start.origin;
    if (!sameOrigin || hop >= MAX_SAME_ORIGIN_REDIRECTS)
      return { kind: 'redirect', host: next.host, sameOrigin };
    url = next;
  }
}

function toVerdict(
  outcome: Outcome,
  interpret: (response: HttpResponse) => Verdict,
  timeoutMs: number,
): Verdict {
  switch (outcome.kind) {
    case 'response':
      return interpret(outcome.response);
    case 'redirect':
      return {
        status: 'unknown',
        reason: 'unrecognized',
        detail: outcome.sameOrigin
          ? `redirected more than ${MAX_SAME_ORIGIN_REDIRECTS} times`
          : `redirected to ${outcome.host}; keyward sends keys only to the provider's host, so it did not follow`,
      };
    case 'failed':
      return outcome.error.kind === 'timeout'
        ? {
            status: 'unknown',
            reason: 'timeout',
            detail: `no answer within ${formatSeconds(timeoutMs)}`,
            retry: true,
          }
        : {
            status: 'unknown',
            reason: 'network_error',
            detail: `connection failed (${outcome.error.code})`,
            retry: true,
          };
  }
}

function deadHostVerdict(host: string, kind: 'timeout' | 'network'): Verdict {
  return kind === 'timeout'
    ? {
        status: 'unknown',
        reason: 'timeout',
        detail: `not tried: ${host} stopped answering earlier in this run`,
      }
    : {
        status: 'unknown',
        reason: 'network_error',
        detail: `not tried: ${host} could not be reached earlier in this run`,
      };
}

function final(verdict: Verdict, note: string): Verdict {
  return { status: verdict.status, reason: verdict.reason, detail: `${verdict.detail} (${note})` };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(response: HttpResponse, now: number): number | undefined {
  const value = response.headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
