import type { RuleSpec } from './types.js';
import { buildAutomaton, type AnchorAutomaton } from './anchors.js';
import { captureGroupCount } from './capture-groups.js';

export interface CompiledRule {
  spec: RuleSpec;
  /** Global, with indices (`d`) so the secret group's span is known. Undefined for the generic rule. */
  regex: RegExp | undefined;
  secretGroup: number;
  window: number;
  allowlist: RegExp[];
  /** Full-string match that keeps the rule's confidence (`confidentPattern`). */
  confident: RegExp | undefined;
}

/** Rules ready to scan with: one anchor automaton over every rule's keywords. */
export interface CompiledRuleSet {
  rules: CompiledRule[];
  automaton: AnchorAutomaton;
  /** anchor id → indices into `rules` of the rules that keyword belongs to. */
  rulesByAnchor: number[][];
  /** anchor id → anchor length in bytes. */
  anchorLength: Int32Array;
}

export class RuleCompileError extends Error {
  constructor(
    readonly ruleId: string,
    readonly reason: string,
  ) {
    super(`rule ${ruleId}: ${reason}`);
    this.name = 'RuleCompileError';
  }
}

export function compileRule(spec: RuleSpec): CompiledRule {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(spec.id))
    throw new RuleCompileError(spec.id, 'id must be kebab-case');
  if (spec.keywords.length === 0) throw new RuleCompileError(spec.id, 'needs at least one keyword (anchor)');
  if (spec.kind === 'generic') {
    if (!spec.generic) throw new RuleCompileError(spec.id, 'a generic rule needs a `generic` section');
    return {
      spec,
      regex: undefined,
      secretGroup: 0,
      window: 0,
      allowlist: compileAllowlist(spec),
      confident: undefined,
    };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(spec.pattern, 'gd');
  } catch (error) {
    throw new RuleCompileError(
      spec.id,
      `pattern is not a valid regular expression (${(error as Error).message})`,
    );
  }
  const secretGroup = spec.secretGroup ?? 1;
  if (secretGroup > captureGroupCount(spec.pattern))
    throw new RuleCompileError(spec.id, `pattern has no capture group ${secretGroup}`);
  return {
    spec,
    regex,
    secretGroup,
    window: spec.window ?? 256,
    allowlist: compileAllowlist(spec),
    confident:
      spec.confidentPattern === undefined
        ? undefined
        : fullMatch(spec, spec.confidentPattern, 'confidentPattern'),
  };
}

function compileAllowlist(spec: RuleSpec): RegExp[] {
  return (spec.allowlist ?? []).map((source) => fullMatch(spec, source, 'allowlist entry'));
}

/** A regex that must match the whole secret. */
function fullMatch(spec: RuleSpec, source: string, what: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new RuleCompileError(
      spec.id,
      `${what} is not a valid regular expression (${(error as Error).message})`,
    );
  }
}

export function compileRules(specs: readonly RuleSpec[]): CompiledRuleSet {
  const seen = new Set<string>();
  const rules = specs.map((spec) => {
    if (seen.has(spec.id)) throw new RuleCompileError(spec.id, 'duplicate rule id');
    seen.add(spec.id);
    return compileRule(spec);
  });
  const anchorIds = new Map<string, number>();
  const rulesByAnchor: number[][] = [];
  rules.forEach((rule, index) => {
    for (const keyword of rule.spec.keywords) {
      const key = keyword.toLowerCase();
      let id = anchorIds.get(key);
      if (id === undefined) {
        id = anchorIds.size;
        anchorIds.set(key, id);
        rulesByAnchor.push([]);
      }
      if (!rulesByAnchor[id]!.includes(index)) rulesByAnchor[id]!.push(index);
    }
  });
  const literals = [...anchorIds.keys()];
  return {
    rules,
    automaton: buildAutomaton(literals),
    rulesByAnchor,
    anchorLength: Int32Array.from(literals, (l) => l.length),
  };
}
