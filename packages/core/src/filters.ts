import type { FilterName, FilterVerdict } from './types.js';
import { placeholderReason, type PlaceholderReason } from './placeholder.js';
import { testKeyReason } from './words.js';
import { encodedTextReason } from './decoded-text.js';
import { isSpecExample } from './spec-example.js';

/**
 * keyward's precision filters (types.ts `FilterName`): each judges a match that passed its rule's gate and
 * says why it is not a secret. What they hide is counted by filter, never dropped silently, and shown with
 * the filters off. They run on matches only, a few per MB, never on the hot path.
 */

export const FILTER_NAMES: readonly FilterName[] = [
  'placeholder',
  'test-key',
  'encoded-text',
  'spec-example',
  'public-key',
  'allowlist',
  'checksum',
];

const PLACEHOLDER_REASONS: Record<PlaceholderReason, string> = {
  template: 'a template variable',
  ellipsis: 'an elided key (…, ***)',
  reference: 'a reference to a variable',
  repeated: 'one character repeated',
  'placeholder-word': 'a placeholder word (example, sample, dummy, your-key…)',
  sequence: 'a hand-typed sequence (abcdefgh, 12345678, 1a2b3c4d…)',
};

export function placeholderVerdict(reason: PlaceholderReason): FilterVerdict {
  return { filter: 'placeholder', reason: PLACEHOLDER_REASONS[reason] };
}

export const PUBLIC_KEY: FilterVerdict = {
  filter: 'public-key',
  reason: 'a key its vendor publishes to browsers (public by design)',
};

export const ALLOWLISTED: FilterVerdict = {
  filter: 'allowlist',
  reason: 'a published key the rule lists (SDK sample or documentation value)',
};

export const CHECKSUM_FAILS: FilterVerdict = {
  filter: 'checksum',
  reason: 'the checksum its format carries does not match: not a token the issuer made',
};

const SPEC_EXAMPLE: FilterVerdict = {
  filter: 'spec-example',
  reason: 'an example in an OpenAPI, Swagger or JSON Schema document',
};

/**
 * The generic rule's filters, in order: placeholders, word-built test keys, encoded text, specification
 * examples. `valueStart` is the value's offset in `bytes` (the specification check reads its enclosing keys).
 */
export function genericVerdict(
  value: string,
  bytes: Uint8Array,
  path: string,
  valueStart: number,
): FilterVerdict | undefined {
  const placeholder = placeholderReason(value);
  if (placeholder) return placeholderVerdict(placeholder);
  const testKey = testKeyReason(value);
  if (testKey) return { filter: 'test-key', reason: testKey };
  const encoded = encodedTextReason(value);
  if (encoded) return { filter: 'encoded-text', reason: encoded };
  if (isSpecExample(bytes, path, valueStart)) return SPEC_EXAMPLE;
  return undefined;
}
