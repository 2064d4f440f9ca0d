import { createHash } from 'node:crypto';
import type { RuleSpec } from '@keyward/core';
import type { ResolvedConfig } from '../config/index.js';
import type { StoreKeyParts } from './format.js';

export interface StoreKeyInput {
  /** keyward's version. */
  version: string;
  /** The rules in effect, after the config's switches, overrides and custom rules. */
  rules: readonly RuleSpec[];
  config: ResolvedConfig;
  maxBlobSize: number;
  /** `--no-filters` turns them off. */
  filters: boolean;
}

/**
 * Everything that could change which findings a blob gives: keyward's version, each rule in effect (its
 * id and its compiled spec, hashed), the config settings the engine reads (rule overrides, families,
 * custom rules, inline allow comments), the size cap and the filters switch. Settings that only
 * suppress findings after they are found (ignorePaths, the allowlist, a baseline) are left out on
 * purpose: a recorded blob gave no finding at all, suppressed or not, so they cannot change its verdict;
 * blobs with suppressed findings are scanned and judged again every time.
 */
export function storeKey(input: StoreKeyInput): StoreKeyParts {
  const rules = input.rules.map((spec) => [spec.id, sha256(stable(spec))]);
  const { config } = input;
  const detection = {
    extends: config.extends,
    rules: config.rules,
    families: config.families ?? null,
    customRules: config.customRules,
    inlineAllow: config.inlineAllow,
  };
  return {
    keyward: input.version,
    rules: sha256(stable(rules)),
    config: sha256(stable(detection)),
    maxBlobSize: input.maxBlobSize,
    filters: input.filters,
  };
}

/** The parts of two keys that differ, in words (for the line saying a store starts again). */
export function keyChanges(was: StoreKeyParts, now: StoreKeyParts): string[] {
  const names: Record<keyof StoreKeyParts, string> = {
    keyward: "keyward's version",
    rules: 'the rules',
    config: 'the config',
    maxBlobSize: 'the blob size cap',
    filters: 'the filters switch',
  };
  return (Object.keys(names) as Array<keyof StoreKeyParts>)
    .filter((part) => was[part] !== now[part])
    .map((part) => names[part]);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, Maps and Sets as sorted entries, regular expressions as their source. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
    if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
    if (v instanceof Set) return [...v].map(String).sort();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((k) => [k, record[k]]),
      );
    }
    return v;
  });
}
