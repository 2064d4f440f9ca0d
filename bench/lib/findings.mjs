/** Compares a keyward report with the keys a generator planted: recall, wrong rule ids, extra findings. */
import { isAbsolute, relative } from 'node:path';

/** A finding's path relative to `base` (reports may give it relative to the scan root or absolute). */
export function relPath(path, base) {
  const p = isAbsolute(path) ? relative(base, path) : path;
  return p.replace(/^\.\//, '');
}

function expectedRule(planted, ruleId) {
  if (planted.ruleId) return ruleId === planted.ruleId;
  return typeof ruleId === 'string' && ruleId.startsWith(planted.rulePrefix);
}

/**
 * `planted` and `decoys` are { path, line, ruleId | rulePrefix }: every planted key must be reported on its
 * line under its rule; a decoy (a non-OpenAI `sk-` key) must not be reported under an `openai-` id.
 * Returns { found, missing, wrongRule, decoyViolations, extras }.
 */
export function comparePlanted(findings, { planted, decoys }, base) {
  const at = new Map();
  for (const f of findings) {
    const key = `${relPath(f.path ?? '', base)}:${f.line}`;
    if (!at.has(key)) at.set(key, []);
    at.get(key).push(f);
  }
  const seen = new Set();
  const missing = [];
  const wrongRule = [];
  let found = 0;
  for (const p of planted) {
    const key = `${p.path}:${p.line}`;
    const here = at.get(key) ?? [];
    seen.add(key);
    if (here.some((f) => expectedRule(p, f.ruleId))) found++;
    else if (here.length > 0) wrongRule.push({ ...p, reported: here.map((f) => f.ruleId) });
    else missing.push(p);
  }
  const decoyViolations = [];
  for (const d of decoys) {
    const key = `${d.path}:${d.line}`;
    seen.add(key);
    for (const f of at.get(key) ?? [])
      if (String(f.ruleId).startsWith('openai-')) decoyViolations.push({ ...d, reported: f.ruleId });
  }
  const extras = [];
  for (const [key, list] of at) if (!seen.has(key)) for (const f of list) extras.push(f);
  return { found, missing, wrongRule, decoyViolations, extras };
}

/** One line per finding, redacted as keyward printed it: `path:line ruleId redacted`. */
export function findingLine(f, base) {
  return `${relPath(f.path ?? '?', base)}:${f.line ?? '?'}  ${f.ruleId}  ${f.redacted ?? ''}`.trimEnd();
}

/** Counts findings per rule id, most first. */
export function countByRule(findings) {
  const counts = new Map();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}
