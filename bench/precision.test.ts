import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
// @ts-expect-error: plain ESM bench module without type declarations
import { LABELS_FILE, readLabels, secretHash } from './precision.mjs';

interface Label {
  hash: string;
  label: string;
  rule: string;
  redacted: string;
  why: string;
  places: string[];
}
interface Corpus {
  source: 'npm' | 'mirror';
  commit?: string;
  findings: Label[];
}

const labels = readLabels() as { version: number; corpora: Record<string, Corpus> };
const entries = Object.entries(labels.corpora).flatMap(([corpus, c]) =>
  c.findings.map((label) => [`${corpus} ${label.hash}`, label] as const),
);

describe('bench/precision/labels.json', () => {
  it('names each corpus by its source (mirrors at a labelled commit)', () => {
    for (const [name, corpus] of Object.entries(labels.corpora)) {
      expect(['npm', 'mirror'], name).toContain(corpus.source);
      if (corpus.source === 'mirror') expect(corpus.commit, name).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it.each(entries)('%s is a hand label with its reason and places', (_key, label) => {
    expect(label.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(['secret', 'placeholder', 'public', 'published']).toContain(label.label);
    expect(label.why.length).toBeGreaterThan(10);
    expect(label.places.length).toBeGreaterThan(0);
    // keyward's redacted form: at most a family prefix and 4 characters.
    expect(label.redacted).toMatch(/^[A-Za-z0-9_-]{0,15}….{4}$/);
  });

  it('labels each secret once per corpus', () => {
    for (const corpus of Object.values(labels.corpora)) {
      const hashes = corpus.findings.map((l) => l.hash);
      expect(new Set(hashes).size).toBe(hashes.length);
    }
  });

  it('holds no secret keyward would report, filters on or off', () => {
    const found = createScanner(RULES).scanText(readFileSync(LABELS_FILE, 'utf8'), 'labels.json');
    expect(found.map((f) => `${f.ruleId} ${f.redacted}`)).toEqual([]);
  });

  it('keys labels by the first 16 hex digits of the secret’s sha-256', () => {
    expect(secretHash('abc')).toBe('ba7816bf8f01cfea');
  });
});
