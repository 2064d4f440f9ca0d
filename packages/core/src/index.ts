export type * from './types.js';
export { createScanner, type Scanner, type ScannerOptions } from './scanner.js';
export {
  planTeddy,
  teddyPlanData,
  teddyPlanFromData,
  type TeddyPlan,
  type TeddyPlanData,
} from './wasm/teddy.js';
export { refineTeddyPlan, teddyCandidateRate } from './wasm/teddy-refine.js';
export {
  compileRules,
  compileRule,
  RuleCompileError,
  type CompiledRule,
  type CompiledRuleSet,
} from './compile.js';
export { buildAutomaton, findAnchors, type AnchorAutomaton } from './anchors.js';
export { redact, redactIn } from './redact.js';
export { captureGroupCount } from './capture-groups.js';
export { ruleForSecret } from './classify.js';
export { fingerprint } from './fingerprint.js';
export { shannonEntropy } from './entropy.js';
export { placeholderReason, longestSequentialRun } from './placeholder.js';
export { isSecretName, nameWords, genericValueRejection } from './generic.js';
export { wordiness, isWordLike } from './english.js';
export { FILTER_NAMES, genericVerdict } from './filters.js';
export { testKeyReason, wordBuilt, isPhrase } from './words.js';
export { decodeText, type Decoded, type Encoding } from './decode.js';
export { encodedTextReason } from './decoded-text.js';
export { isSpecDocument, isSpecExample } from './spec-example.js';
export { isAllowedInline } from './allow.js';
export { crc32, base62, crc32Base62, checksumApplies, checksumHolds, type ChecksumName } from './checksum.js';
export { RULE_FAMILIES, familyOf, type RuleFamily } from './families.js';
