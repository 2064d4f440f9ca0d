import type { HttpResponse, ProviderId, Verdict } from '../types.js';

/** A read-only GET against one provider and the rules that turn its answer into a verdict. */
export interface Check {
  provider: ProviderId;
  /** Path and query after the provider's base URL, e.g. `/models`. */
  path: string;
  /** Authentication (and any required version header) for `secret`. */
  headers(secret: string): Record<string, string>;
  interpret(response: HttpResponse): Verdict;
  /** Read-only probes that map what a live key can reach (`--blast-radius`). */
  reach?: ReachPlan;
  /** A second read-only GET the first answer can call for, to tell what the key can do (its severity). */
  followUp?: FollowUp;
}

export interface FollowUp {
  /** Whether this first verdict calls for it. */
  when(verdict: Verdict): boolean;
  path: string;
  /** The verdict, refined by the follow-up's answer; the first one as it was when that answer says nothing. */
  interpret(first: Verdict, response: HttpResponse): Verdict;
}

export interface ReachProbe {
  /** Area name in the report, e.g. `files`. */
  area: string;
  path: string;
  /** Extra headers the endpoint needs (never organisation or project headers). */
  headers?: Record<string, string>;
}

export interface ReachPlan {
  probes: readonly ReachProbe[];
  /** The area the verification request itself answers for (its verdict is reused, not asked again). */
  verifiedArea?: string;
  /** Areas no GET can settle (inference needs a POST, which keyward never sends). */
  unknowable?: readonly string[];
}

export const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });
