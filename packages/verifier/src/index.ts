/**
 * @keyward/verifier: opt-in live checks of found keys (DESIGN §5). GET only, to each provider's own host,
 * a few requests in flight, each secret once; honest verdicts (`unknown` whenever the answer is no evidence).
 */
export { verifyAll, DEFAULTS } from './verify-all.js';
export {
  applyVerification,
  parseResultsFilter,
  verificationExitCode,
  VERIFICATION_STATUSES,
  type ApplyVerificationOptions,
} from './apply.js';
export {
  BaseUrlError,
  OFFICIAL_BASE_URLS,
  PROVIDER_IDS,
  envVarName,
  parseBaseUrlFlags,
  resolveBaseUrls,
  type ResolvedBase,
} from './base-url.js';
export { VERIFIABLE_RULE_IDS } from './providers/index.js';
export { nodeTransport } from './http.js';
export {
  TransportError,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type ProviderId,
  type Transport,
  type VerifyItem,
  type VerifyOptions,
} from './types.js';
