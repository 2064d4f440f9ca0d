/**
 * Non-disputed other-provider peer positives that keyward does not report, each with the reason. The test
 * asserts that every one of them is still missed, so a rule or engine change that finds one fails until the
 * entry is removed here, and that every other positive is found. Rules are never tuned to these lines.
 */
export type MissReason =
  /** A hand-typed sequence (`abcdefgh…`, `9876543210`): the engine's placeholder filter drops it on purpose. */
  | 'placeholder-sequence'
  /** A bare `sk-<32 hex>`: DeepSeek keys are reported only with `deepseek` in the window (they look like others'). */
  | 'no-context-keyword'
  /** The Azure context (`openai.azure.com`) is on another line than the key; windows end at the line. */
  | 'context-on-another-line'
  /** The expected secret stops inside a longer token (the peer regex has no right boundary). */
  | 'truncated-span';

export const KNOWN_MISSES: Readonly<Record<string, MissReason>> = {
  'gitleaks.jsonl:10': 'placeholder-sequence',
  'gitleaks.jsonl:13': 'placeholder-sequence',
  'gitleaks.jsonl:14': 'placeholder-sequence',
  'gitleaks.jsonl:17': 'placeholder-sequence',
  'kingfisher.jsonl:9': 'truncated-span',
  'kingfisher.jsonl:15': 'no-context-keyword',
  'kingfisher.jsonl:16': 'no-context-keyword',
  'kingfisher.jsonl:17': 'no-context-keyword',
  'kingfisher.jsonl:33': 'placeholder-sequence',
  'kingfisher.jsonl:34': 'truncated-span',
  'kingfisher.jsonl:36': 'placeholder-sequence',
  'secretlint.jsonl:19': 'placeholder-sequence',
  'secretlint.jsonl:20': 'placeholder-sequence',
  'secretlint.jsonl:21': 'placeholder-sequence',
  'trufflehog.jsonl:20': 'placeholder-sequence',
  'trufflehog.jsonl:36': 'context-on-another-line',
  'trufflehog.jsonl:37': 'context-on-another-line',
  'trufflehog.jsonl:38': 'context-on-another-line',
  'trufflehog.jsonl:39': 'context-on-another-line',
  'trufflehog.jsonl:40': 'context-on-another-line',
};
