/**
 * Placeholder, template, reference and sequence suppression: the values people write where a key would go
 * (`sk-proj-xxxx…`, `<your-key>`, `${OPENAI_API_KEY}`, `process.env.KEY`, `abcdefgh12345678`). Applied to the
 * key's random-looking part (for OpenAI keys the segments around the marker), never to the whole string: the
 * family prefix and the marker lift a whole-string measure.
 */

/** Share of the string taken by its most frequent character. */
function dominantShare(s: string): number {
  const counts = new Map<number, number>();
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const n = (counts.get(c) ?? 0) + 1;
    counts.set(c, n);
    if (n > max) max = n;
  }
  return s.length === 0 ? 0 : max / s.length;
}

/**
 * Length of the longest run of characters ascending or descending by one (`abcd`, `4321`), each `stride`
 * apart: with stride 2, the interleaved runs of `1a2b3c4d` (1234 and abcd).
 */
export function longestSequentialRun(s: string, stride = 1): number {
  let best = s.length > 0 ? 1 : 0;
  for (let offset = 0; offset < stride; offset++) {
    let up = 1;
    let down = 1;
    for (let i = offset + stride; i < s.length; i += stride) {
      const d = s.charCodeAt(i) - s.charCodeAt(i - stride);
      up = d === 1 ? up + 1 : 1;
      down = d === -1 ? down + 1 : 1;
      best = Math.max(best, up, down);
    }
  }
  return best;
}

const TEMPLATE =
  /\$\{[^}]*\}|\$\(|\{\{[^}]*\}\}|<[^<>]*>|%[A-Za-z_][A-Za-z0-9_]*%|^\$[A-Za-z_][A-Za-z0-9_]*$/;
const ELLIPSIS = /\.\.\.|…|\*{3,}/;
const REFERENCE =
  /^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|env|ENV|secrets|vars|config|settings)[.[]/;
// Long enough that a random key contains one by chance less than once in ~10^5 (no short words like `my`:
// trufflehog's word filter silently drops ~1% of real keys that way).
const WORDS =
  /example|sample|dummy|placeholder|changeme|replace_?me|insert[-_ ]?your|redacted|your[-_ ]?(?:api|secret|key|token|own|openai)|fake[-_]?(?:key|token|secret)|xxxxx/i;

/** Why a candidate value is a placeholder rather than a secret, or undefined if it looks real. */
export function placeholderReason(value: string): PlaceholderReason | undefined {
  if (TEMPLATE.test(value)) return 'template';
  if (ELLIPSIS.test(value)) return 'ellipsis';
  if (REFERENCE.test(value)) return 'reference';
  if (dominantShare(value) >= 0.6) return 'repeated';
  if (WORDS.test(value)) return 'placeholder-word';
  if (longestSequentialRun(value) >= 8 || longestSequentialRun(value, 2) >= 8) return 'sequence';
  return undefined;
}

export type PlaceholderReason =
  'template' | 'ellipsis' | 'reference' | 'repeated' | 'placeholder-word' | 'sequence';
