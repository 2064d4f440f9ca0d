import { RULE_FAMILIES, captureGroupCount, type Severity } from '@keyward/core';
import { KeywardError } from '../errors.js';
import { parseSize } from './size.js';
import type { CustomRule, InlineAllowSetting, ResolvedConfig, RuleOverride, VerifyConfig } from './types.js';

/** The parts of a ResolvedConfig that come from the file itself (no paths, no environment). */
export type ValidatedConfig = Omit<ResolvedConfig, 'file' | 'baseDir' | 'repoRoot' | 'inlineAllow'> & {
  inlineAllow: InlineAllowSetting;
};

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const CONFIDENCES = ['high', 'medium', 'low'] as const;
const EXTENDS = ['keyward:recommended', 'keyward:none'] as const;
const RULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FINGERPRINT = /^[0-9a-f]{16,128}$/;

type Json = Record<string, unknown>;

/**
 * Checks a parsed config file by hand (no schema library: the pre-commit hook reads the config on every
 * commit) and returns it with defaults filled in. Any unknown key, wrong type or bad regex is an
 * E_CONFIG_INVALID error naming the file and the key.
 */
export function validateConfig(raw: unknown, file: string): ValidatedConfig {
  const fail = (key: string, reason: string): never => {
    throw new KeywardError('E_CONFIG_INVALID', { file, key, reason });
  };
  const root = object(raw, '(top level)', fail);
  const known = [
    '$schema',
    'extends',
    'rules',
    'families',
    'ignorePaths',
    'allowlist',
    'customRules',
    'inlineAllow',
    'maxFileSize',
    'verify',
  ];
  rejectUnknown(root, known, '', fail);

  const config: ValidatedConfig = {
    extends: 'keyward:recommended',
    rules: new Map(),
    families: new Map(),
    ignorePaths: [],
    allowlist: { secrets: [], fingerprints: new Set() },
    customRules: [],
    inlineAllow: true,
    verify: {},
  };
  if (root.$schema !== undefined && typeof root.$schema !== 'string') fail('$schema', 'must be a string');
  if (root.extends !== undefined) {
    if (!EXTENDS.includes(root.extends as (typeof EXTENDS)[number]))
      fail('extends', `must be one of ${EXTENDS.join(', ')}`);
    config.extends = root.extends as ValidatedConfig['extends'];
  }
  if (root.rules !== undefined) {
    for (const [id, value] of Object.entries(object(root.rules, 'rules', fail))) {
      config.rules.set(id, ruleOverride(value, `rules.${id}`, fail));
    }
  }
  if (root.families !== undefined) {
    const known = Object.keys(RULE_FAMILIES);
    for (const [family, value] of Object.entries(object(root.families, 'families', fail))) {
      if (!known.includes(family)) fail(`families.${family}`, `no such family (known: ${known.join(', ')})`);
      if (value !== 'off' && value !== 'on' && typeof value !== 'boolean')
        fail(`families.${family}`, 'must be off or on');
      config.families!.set(family, value === 'on' || value === true);
    }
  }
  if (root.ignorePaths !== undefined) config.ignorePaths = strings(root.ignorePaths, 'ignorePaths', fail);
  if (root.allowlist !== undefined) {
    const allowlist = object(root.allowlist, 'allowlist', fail);
    rejectUnknown(allowlist, ['secrets', 'fingerprints'], 'allowlist.', fail);
    if (allowlist.secrets !== undefined) {
      config.allowlist.secrets = strings(allowlist.secrets, 'allowlist.secrets', fail).map((source, i) =>
        regex(`^(?:${source})$`, `allowlist.secrets[${i}]`, fail, source),
      );
    }
    if (allowlist.fingerprints !== undefined) {
      const fingerprints = strings(allowlist.fingerprints, 'allowlist.fingerprints', fail);
      fingerprints.forEach((fp, i) => {
        if (!FINGERPRINT.test(fp))
          fail(`allowlist.fingerprints[${i}]`, 'must be a fingerprint (lowercase hex) from a report');
      });
      config.allowlist.fingerprints = new Set(fingerprints);
    }
  }
  if (root.customRules !== undefined) {
    if (!Array.isArray(root.customRules)) fail('customRules', 'must be a list of rules');
    const ids = new Set<string>();
    config.customRules = (root.customRules as unknown[]).map((value, i) => {
      const rule = customRule(value, `customRules[${i}]`, fail);
      if (ids.has(rule.id)) fail(`customRules[${i}].id`, `duplicate rule id ${rule.id}`);
      ids.add(rule.id);
      return rule;
    });
  }
  if (root.inlineAllow !== undefined) {
    if (typeof root.inlineAllow !== 'boolean' && root.inlineAllow !== 'local') {
      fail('inlineAllow', 'must be true, false or "local" (honoured locally, ignored when CI is set)');
    }
    config.inlineAllow = root.inlineAllow as InlineAllowSetting;
  }
  if (root.maxFileSize !== undefined) {
    const size = parseSize(root.maxFileSize);
    if (size === undefined) fail('maxFileSize', 'must be a positive size such as 1048576 or "10MB"');
    config.maxFileSize = size;
  }
  if (root.verify !== undefined) config.verify = verifyConfig(root.verify, fail);
  return config;
}

type Fail = (key: string, reason: string) => never;

function object(value: unknown, key: string, fail: Fail): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(key, 'must be an object');
  return value as Json;
}

function rejectUnknown(value: Json, known: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${prefix}${key}`, `unknown key (known: ${known.join(', ')})`);
  }
}

function strings(value: unknown, key: string, fail: Fail): string[] {
  if (!Array.isArray(value)) fail(key, 'must be a list of strings');
  (value as unknown[]).forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) fail(`${key}[${i}]`, 'must be a non-empty string');
  });
  return value as string[];
}

function regex(source: string, key: string, fail: Fail, shown = source): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    // V8 writes `Invalid regular expression: /<source>/<flags>: <reason>`; keep the reason only.
    const message = error instanceof Error ? error.message : String(error);
    const reason = /: ([^:]+)$/.exec(message)?.[1] ?? message;
    return fail(key, `not a valid regular expression (${reason}): ${shown}`);
  }
}

function severity(value: unknown, key: string, fail: Fail): Severity {
  if (!SEVERITIES.includes(value as Severity)) fail(key, `must be one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

function ruleOverride(value: unknown, key: string, fail: Fail): RuleOverride {
  if (value === 'off') return { enabled: false };
  if (value === 'on') return { enabled: true };
  if (typeof value === 'string') return { enabled: true, severity: severity(value, key, fail) };
  const spec = object(value, key, fail);
  rejectUnknown(spec, ['enabled', 'severity'], `${key}.`, fail);
  const override: RuleOverride = {};
  if (spec.enabled !== undefined) {
    if (typeof spec.enabled !== 'boolean') fail(`${key}.enabled`, 'must be true or false');
    override.enabled = spec.enabled as boolean;
  }
  if (spec.severity !== undefined) override.severity = severity(spec.severity, `${key}.severity`, fail);
  return override;
}

function verifyConfig(value: unknown, fail: Fail): VerifyConfig {
  const spec = object(value, 'verify', fail);
  for (const key of Object.keys(spec)) {
    if (/url|host|endpoint/i.test(key)) {
      fail(
        `verify.${key}`,
        'a repository config cannot redirect verification; set KEYWARD_OPENAI_BASE_URL in the environment',
      );
    }
  }
  rejectUnknown(spec, ['required', 'timeoutMs', 'concurrency'], 'verify.', fail);
  const verify: VerifyConfig = {};
  if (spec.required !== undefined) {
    if (typeof spec.required !== 'boolean') fail('verify.required', 'must be true or false');
    verify.required = spec.required as boolean;
  }
  if (spec.timeoutMs !== undefined)
    verify.timeoutMs = integer(spec.timeoutMs, 'verify.timeoutMs', 1000, 60_000, fail);
  if (spec.concurrency !== undefined)
    verify.concurrency = integer(spec.concurrency, 'verify.concurrency', 1, 4, fail);
  return verify;
}

function integer(value: unknown, key: string, min: number, max: number, fail: Fail): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(key, `must be a whole number from ${min} to ${max}`);
  }
  return value as number;
}

const CUSTOM_RULE_KEYS = [
  'id',
  'title',
  'provider',
  'severity',
  'confidence',
  'keywords',
  'pattern',
  'secretGroup',
  'window',
  'minEntropy',
  'placeholderFilter',
  'allowlist',
  'canonicalLengths',
  'redactPrefix',
  'remediation',
  'references',
  'examples',
  'negativeExamples',
];

function customRule(value: unknown, key: string, fail: Fail): CustomRule {
  const spec = object(value, key, fail);
  rejectUnknown(spec, CUSTOM_RULE_KEYS, `${key}.`, fail);
  const text = (name: string, required: boolean): string | undefined => {
    const v = spec[name];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length === 0) fail(`${key}.${name}`, 'must be a non-empty string');
    return v as string;
  };
  const id = text('id', true)!;
  if (!RULE_ID.test(id)) fail(`${key}.id`, 'must be lowercase letters, digits and dashes');
  const pattern = text('pattern', true)!;
  const compiled = regex(pattern, `${key}.pattern`, fail);
  const groups = captureGroupCount(compiled.source);
  const secretGroup =
    spec.secretGroup === undefined ? 1 : integer(spec.secretGroup, `${key}.secretGroup`, 0, 99, fail);
  if (secretGroup > groups)
    fail(`${key}.secretGroup`, `the pattern has ${groups} capture group(s), not ${secretGroup}`);
  const keywords = strings(spec.keywords, `${key}.keywords`, fail);
  if (keywords.length === 0)
    fail(
      `${key}.keywords`,
      'needs at least one anchor literal (the prefilter runs the pattern only near one)',
    );
  const examples = spec.examples === undefined ? [] : strings(spec.examples, `${key}.examples`, fail);
  if (examples.length === 0) fail(`${key}.examples`, 'needs at least one example that the rule must find');
  const negativeExamples =
    spec.negativeExamples === undefined
      ? []
      : strings(spec.negativeExamples, `${key}.negativeExamples`, fail);
  const rule: CustomRule = {
    id,
    title: text('title', false) ?? id,
    provider: text('provider', false) ?? 'custom',
    severity: spec.severity === undefined ? 'high' : severity(spec.severity, `${key}.severity`, fail),
    confidence: 'medium',
    keywords,
    pattern,
    secretGroup,
    kind: 'format',
    examples,
    negativeExamples,
  };
  if (spec.confidence !== undefined) {
    if (!CONFIDENCES.includes(spec.confidence as (typeof CONFIDENCES)[number])) {
      fail(`${key}.confidence`, `must be one of ${CONFIDENCES.join(', ')}`);
    }
    rule.confidence = spec.confidence as CustomRule['confidence'];
  }
  if (spec.window !== undefined) rule.window = integer(spec.window, `${key}.window`, 16, 4096, fail);
  if (spec.minEntropy !== undefined) {
    if (typeof spec.minEntropy !== 'number' || spec.minEntropy < 0 || spec.minEntropy > 8)
      fail(`${key}.minEntropy`, 'must be a number from 0 to 8 (bits per character)');
    rule.minEntropy = spec.minEntropy as number;
  }
  if (spec.placeholderFilter !== undefined) {
    if (typeof spec.placeholderFilter !== 'boolean')
      fail(`${key}.placeholderFilter`, 'must be true or false');
    rule.placeholderFilter = spec.placeholderFilter as boolean;
  }
  if (spec.allowlist !== undefined) {
    rule.allowlist = strings(spec.allowlist, `${key}.allowlist`, fail);
    rule.allowlist.forEach((source, i) => regex(source, `${key}.allowlist[${i}]`, fail));
  }
  if (spec.canonicalLengths !== undefined) {
    const lengths = spec.canonicalLengths;
    if (!Array.isArray(lengths) || lengths.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
      fail(`${key}.canonicalLengths`, 'must be a list of lengths (whole numbers from 1 to 4096)');
    }
    rule.canonicalLengths = lengths as number[];
  }
  if (spec.redactPrefix !== undefined)
    rule.redactPrefix = integer(spec.redactPrefix, `${key}.redactPrefix`, 0, 32, fail);
  const remediation = text('remediation', false);
  if (remediation !== undefined) rule.remediation = remediation;
  if (spec.references !== undefined) rule.references = strings(spec.references, `${key}.references`, fail);
  return rule;
}
