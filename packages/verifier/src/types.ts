import type { Verification } from '@keyward/core';

/** Providers with their own API host (and their own `KEYWARD_<PROVIDER>_BASE_URL` override). */
export type ProviderId =
  | 'openai'
  | 'anthropic'
  | 'groq'
  | 'openrouter'
  | 'huggingface'
  | 'google'
  | 'xai'
  | 'replicate'
  | 'deepseek'
  | 'mistral'
  | 'cohere'
  | 'github'
  | 'slack'
  | 'stripe'
  | 'tavily'
  | 'langsmith'
  | 'elevenlabs'
  | 'deepgram'
  | 'together'
  | 'fireworks';

/** One secret to check, with the rule that found it (the rule decides which provider gets it). */
export interface VerifyItem {
  ruleId: string;
  secret: string;
  /**
   * The secret as reported (the finding's `redacted`): what a provider message that echoes the secret
   * shows instead. Default: its last 4 characters only.
   */
  redacted?: string;
}

/**
 * One GET request. There is no method field on purpose: the verifier can only ever send GET, so nothing it
 * does can spend tokens or change state at the provider.
 */
export interface HttpRequest {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The start of the body (capped: verdicts need error messages, not whole model lists). */
  body: string;
}

/** Why a request produced no response. */
export class TransportError extends Error {
  readonly kind: 'timeout' | 'network';
  /** A system error code such as ECONNREFUSED, when there is one. Never holds request data. */
  readonly code: string;

  constructor(kind: 'timeout' | 'network', code: string) {
    super(kind === 'timeout' ? 'request timed out' : `connection failed (${code})`);
    this.name = 'TransportError';
    this.kind = kind;
    this.code = code;
  }
}

/** Sends one GET and resolves with the response, or rejects with a TransportError. Never follows redirects. */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** Time, injectable so retry and backoff tests do not sleep for real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface VerifyOptions {
  /** Environment to read `KEYWARD_<PROVIDER>_BASE_URL` from (never a repository's config file). */
  env?: Record<string, string | undefined>;
  /** Base URLs given on the command line (`--base-url`); they win over the environment. */
  baseUrls?: Partial<Record<ProviderId, string>>;
  /** Requests in flight across the whole run (default 4). */
  concurrency?: number;
  /** Requests in flight per host (default 2). */
  perHost?: number;
  /** Time allowed for one request, connect to last byte (default 10 000 ms). */
  timeoutMs?: number;
  /** Extra attempts after a 429, a 5xx, an HTML page, a timeout or a failed connection (default 2). */
  retries?: number;
  /** First backoff delay; doubles each retry (default 1 000 ms). */
  backoffMs?: number;
  /** A `Retry-After` longer than this ends the retries instead of waiting (default 30 000 ms). */
  maxRetryAfterMs?: number;
  /** Map what each live OpenAI key can reach with read-only probes. */
  blastRadius?: boolean;
  /** `User-Agent` sent with every request; it names keyward. */
  userAgent?: string;
  transport?: Transport;
  clock?: Clock;
  /** One line per base-URL override in use, so it is never silent. Lines hold no secrets. */
  onNotice?: (line: string) => void;
}

/** A verdict with the retry decision that produced it (internal to the verifier). */
export interface Verdict extends Verification {
  /** The response is worth asking again after a backoff (rate limited, server error, HTML page). */
  retry?: boolean;
}
