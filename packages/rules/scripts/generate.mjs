#!/usr/bin/env node
// Compiles rules/**/*.yaml into packages/rules/src/generated.ts (validated, examples stripped), in the priority
// order of rules/presets/recommended.yaml. Run by `pnpm build`; a test fails when the committed file is stale.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = fileURLToPath(new URL('.', import.meta.url));
export const RULES_DIR = join(here, '../../../rules');
export const OUTPUT = join(here, '../src/generated.ts');

const RUNTIME_FIELDS = [
  'id',
  'title',
  'provider',
  'family',
  'kind',
  'severity',
  'confidence',
  'keywords',
  'pattern',
  'secretGroup',
  'window',
  'crossLines',
  'sequences',
  'confidentPattern',
  'minEntropy',
  'placeholderFilter',
  'allowlist',
  'public',
  'canonicalLengths',
  'checksum',
  'redactPrefix',
  'verify',
  'remediation',
  'references',
  'generic',
];
const AUTHORING_FIELDS = ['examples', 'negativeExamples'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
// The families of core's RULE_FAMILIES that a built-in rule may name (`custom` is for config rules); a rules
// test checks that the two lists agree.
export const FAMILIES = [
  'ai',
  'code-hosts',
  'package-registries',
  'cloud',
  'private-keys',
  'payments',
  'chat',
  'agent-tools',
  'observability',
  'databases',
  'generic',
];

/** Every rule file under rules/ except presets, parsed, with its path. */
export function readRuleFiles(dir = RULES_DIR) {
  const files = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory() && entry.name !== 'presets') walk(full);
      else if (entry.isFile() && entry.name.endsWith('.yaml')) files.push(full);
    }
  };
  walk(dir);
  return files
    .sort()
    .map((file) => ({ file: relative(join(dir, '..'), file), rule: parse(readFileSync(file, 'utf8')) }));
}

/** Problems with one rule file, as `file: message` strings. */
export function validateRule({ file, rule }) {
  const problems = [];
  const say = (m) => problems.push(`${file}: ${m}`);
  if (!rule || typeof rule !== 'object') return [`${file}: not a YAML mapping`];
  for (const key of Object.keys(rule)) {
    if (!RUNTIME_FIELDS.includes(key) && !AUTHORING_FIELDS.includes(key)) say(`unknown field \`${key}\``);
  }
  if (typeof rule.id !== 'string' || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(rule.id))
    say('`id` must be kebab-case');
  if ((rule.provider === 'openai') !== String(rule.id).startsWith('openai-')) {
    say('OpenAI key rules, and only they, have ids starting with `openai-`');
  }
  for (const key of ['title', 'provider'])
    if (typeof rule[key] !== 'string' || !rule[key]) say(`\`${key}\` is required`);
  if (!FAMILIES.includes(rule.family)) say(`\`family\` must be one of ${FAMILIES.join(', ')}`);
  if (rule.checksum !== undefined && rule.checksum !== 'crc32-base62') say('`checksum` is `crc32-base62`');
  if (!SEVERITIES.includes(rule.severity)) say('`severity` must be critical, high, medium or low');
  if (!['high', 'medium', 'low'].includes(rule.confidence)) say('`confidence` must be high, medium or low');
  if (!Array.isArray(rule.keywords) || rule.keywords.length === 0)
    say('`keywords` must list at least one anchor');
  else if (rule.keywords.some((k) => typeof k !== 'string' || k.length < 3 || /[^\x20-\x7e]/.test(k))) {
    say('every keyword must be printable ASCII of 3+ characters');
  }
  if (rule.public !== undefined && rule.public !== true) say('`public` is `true` or left out');
  if (rule.public && rule.kind === 'generic') say('a generic rule cannot be `public`');
  if (rule.public && !rule.references?.length)
    say('a `public` rule cites the vendor saying so in `references`');
  if (rule.kind === 'generic') {
    if (!rule.generic) say('a generic rule needs a `generic` section');
  } else {
    try {
      new RegExp(rule.pattern, 'd');
    } catch (error) {
      say(`\`pattern\` does not compile: ${error.message}`);
    }
  }
  const positives = rule.examples ?? [];
  const negatives = rule.negativeExamples ?? [];
  if (positives.length < 2) say('needs at least 2 `examples`');
  if (negatives.length < 3) say('needs at least 3 `negativeExamples`');
  for (const example of positives) {
    const lower = String(example).toLowerCase();
    if (!rule.keywords?.some((k) => lower.includes(k.toLowerCase()))) {
      say(`example holds none of the keywords, so the prefilter would hide it: ${example}`);
    }
  }
  return problems;
}

export function generate(dir = RULES_DIR) {
  const files = readRuleFiles(dir);
  const problems = files.flatMap(validateRule);
  const byId = new Map();
  for (const f of files) {
    if (byId.has(f.rule.id))
      problems.push(`${f.file}: duplicate id ${f.rule.id} (also ${byId.get(f.rule.id).file})`);
    byId.set(f.rule.id, f);
  }
  const preset = parse(readFileSync(join(dir, 'presets/recommended.yaml'), 'utf8'));
  const order = preset?.rules ?? [];
  for (const id of order)
    if (!byId.has(id)) problems.push(`rules/presets/recommended.yaml: unknown rule ${id}`);
  for (const id of byId.keys())
    if (!order.includes(id)) problems.push(`rules/presets/recommended.yaml: rule ${id} is missing`);
  if (problems.length > 0) throw new Error(`invalid rules:\n${problems.join('\n')}`);
  const specs = order.map((id) => {
    const rule = byId.get(id).rule;
    return Object.fromEntries(RUNTIME_FIELDS.filter((k) => rule[k] !== undefined).map((k) => [k, rule[k]]));
  });
  return [
    '// Generated by packages/rules/scripts/generate.mjs from rules/**/*.yaml. Do not edit.',
    "import type { RuleSpec } from '@keyward/core';",
    '',
    `export const RULES: readonly RuleSpec[] = ${JSON.stringify(specs, null, 2)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    writeFileSync(OUTPUT, generate());
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
