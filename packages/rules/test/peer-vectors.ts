import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULE_FAMILIES, redact, type Finding, type RuleSpec } from '@keyward/core';

/**
 * The held-out corpus of other scanners' test vectors (`shared/eval/peer-vectors`, beside the repository
 * clone). Loading and scoring only: the assertions live in peer-vectors.test.ts.
 */

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const PEER_VECTORS_DIR =
  process.env.KEYWARD_PEER_VECTORS ?? join(repoRoot, '..', 'shared', 'eval', 'peer-vectors');

export interface PeerVector {
  source: string;
  /** `file:line` inside the corpus, for messages. */
  where: string;
  text: string;
  expect: 'positive' | 'negative';
  kind: string;
  secret?: string;
  secrets?: string[];
  kinds?: string[];
  disputed?: boolean;
  sequential_run?: number;
}

export function loadPeerVectors(dir = PEER_VECTORS_DIR): PeerVector[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .map((line, index) => ({ line, where: `${name}:${index + 1}` }))
        .filter(({ line }) => line.trim() !== '')
        .map(({ line, where }) => ({ ...(JSON.parse(line) as Omit<PeerVector, 'where'>), where })),
    );
}

/** The provider whose rules must report a vector kind (`anthropic-admin` → anthropic, `azure-openai` → azure). */
const PROVIDER_OF_KIND: Record<string, string> = {
  anthropic: 'anthropic',
  'anthropic-admin': 'anthropic',
  'anthropic-oauth': 'anthropic',
  'google-api': 'google',
  huggingface: 'huggingface',
  'huggingface-org': 'huggingface',
  groq: 'groq',
  xai: 'xai',
  openrouter: 'openrouter',
  perplexity: 'perplexity',
  replicate: 'replicate',
  deepseek: 'deepseek',
  mistral: 'mistral',
  cohere: 'cohere',
  'azure-openai': 'azure',
};

export function providerOfKind(kind: string): string {
  if (kind.startsWith('openai')) return 'openai';
  const provider = PROVIDER_OF_KIND[kind];
  if (provider === undefined)
    throw new Error(`peer vectors: unknown kind ${kind}; map it in peer-vectors.ts`);
  return provider;
}

/** Each expected secret with the provider that must report it. */
export function expectedKeys(v: PeerVector): Array<{ secret: string; provider: string }> {
  const secrets = v.secrets ?? (v.secret === undefined ? [] : [v.secret]);
  return secrets.map((secret, i) => ({ secret, provider: providerOfKind(v.kinds?.[i] ?? v.kind) }));
}

export interface Outcome {
  vector: PeerVector;
  findings: Finding[];
  /**
   * Positives: every expected secret was reported under a rule of its provider. OpenAI keys must come out
   * exactly (DESIGN §4); another provider's key counts when the reported key contains the expected one, as
   * where a peer's regex stops inside a longer token that keyward reports whole.
   */
  found: boolean;
}

export function score(vector: PeerVector, findings: Finding[], rules: readonly RuleSpec[]): Outcome {
  const providerOf = new Map(rules.map((r) => [r.id, r.provider]));
  const matches = (f: Finding, secret: string, provider: string) =>
    providerOf.get(f.ruleId) === provider &&
    (provider === 'openai' ? f.secret === secret : f.secret.includes(secret));
  const found =
    vector.expect === 'positive' &&
    expectedKeys(vector).every(({ secret, provider }) => findings.some((f) => matches(f, secret, provider)));
  return { vector, findings, found };
}

export const isOpenAiKind = (v: PeerVector): boolean => v.kind.startsWith('openai');

interface Tally {
  found: number;
  total: number;
}
const tally = (rows: Outcome[], pick: (o: Outcome) => boolean): Tally => ({
  found: rows.filter(pick).length,
  total: rows.length,
});
const cell = ({ found, total }: Tally): string =>
  total === 0 ? '-' : `${found}/${total} (${((100 * found) / total).toFixed(0)}%)`;

/**
 * Per-source table over non-disputed positives: OpenAI recall (exact), other-provider recall (with and
 * without hand-typed sequences, `sequential_run`), negatives flagged (any finding at all), and recall over
 * all positives with and without the sequences.
 */
export function summaryTable(outcomes: Outcome[]): string {
  const sources = [...new Set(outcomes.map((o) => o.vector.source)), 'total'];
  const header = [
    'source',
    'OpenAI exact',
    'other providers',
    'other w/o seq',
    'negatives flagged',
    'recall',
    'recall w/o seq',
  ];
  const found = (o: Outcome) => o.found;
  const noSequence = (o: Outcome) => !o.vector.sequential_run;
  const rows = sources.map((source) => {
    const mine = outcomes.filter((o) => source === 'total' || o.vector.source === source);
    const positives = mine.filter((o) => o.vector.expect === 'positive' && !o.vector.disputed);
    const others = positives.filter((o) => !isOpenAiKind(o.vector));
    return [
      source,
      cell(
        tally(
          positives.filter((o) => isOpenAiKind(o.vector)),
          found,
        ),
      ),
      cell(tally(others, found)),
      cell(tally(others.filter(noSequence), found)),
      cell(
        tally(
          mine.filter((o) => o.vector.expect === 'negative'),
          (o) => o.findings.length > 0,
        ),
      ),
      cell(tally(positives, found)),
      cell(tally(positives.filter(noSequence), found)),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One line per miss or flagged negative, secrets redacted: what to look at when a number moves. */
export function problemLines(outcomes: Outcome[]): string[] {
  const lines: string[] = [];
  for (const { vector, findings, found } of outcomes) {
    const got = findings.map((f) => `${f.ruleId}:${f.redacted}`).join(', ') || 'nothing';
    if (vector.expect === 'positive' && !found) {
      const want = expectedKeys(vector)
        .map((k) => `${k.provider}:${redact(k.secret, 4)}`)
        .join(', ');
      const tags = [vector.disputed && 'disputed', vector.sequential_run && 'sequential']
        .filter(Boolean)
        .join(',');
      lines.push(`miss ${vector.where} ${vector.kind}${tags ? ` [${tags}]` : ''}: want ${want}, got ${got}`);
    } else if (vector.expect === 'negative' && findings.length > 0) {
      lines.push(`flagged negative ${vector.where}: ${got}`);
    }
  }
  return lines;
}

/**
 * Recall by rule family (issue 20: the bench reports it per family): each non-disputed positive counts for
 * the family of its provider's rules. Every family of the rule set is listed, those without a vector too,
 * so that a family the corpus does not cover says so rather than vanishing.
 */
export function recallByFamily(outcomes: Outcome[], rules: readonly RuleSpec[]): string[] {
  // A provider's first rule decides (Google's AI key before its service-account key).
  const familyOfProvider = new Map<string, string>();
  for (const r of rules)
    if (!familyOfProvider.has(r.provider)) familyOfProvider.set(r.provider, r.family ?? 'custom');
  const counts = new Map<string, { found: number; total: number }>();
  const families = new Set(rules.map((r) => r.family ?? 'custom'));
  for (const family of Object.keys(RULE_FAMILIES))
    if (families.has(family)) counts.set(family, { found: 0, total: 0 });
  for (const { vector, found } of outcomes) {
    if (vector.expect !== 'positive' || vector.disputed) continue;
    const family = familyOfProvider.get(providerOfKind(vector.kind)) ?? 'unknown';
    const c = counts.get(family) ?? { found: 0, total: 0 };
    c.total++;
    if (found) c.found++;
    counts.set(family, c);
  }
  return [...counts].map(([family, { found, total }]) =>
    total === 0
      ? `${family}: no vectors in the corpus`
      : `${family}: ${found}/${total} = ${((100 * found) / total).toFixed(1)}%`,
  );
}
