import type { Confidence, FilterVerdict, Finding, GenericSpec, RuleSpec } from './types.js';
import { compileRules, type CompiledRule, type CompiledRuleSet } from './compile.js';
import { createAnchorFinder, type AnchorFinder, type TeddyPlan } from './anchor-finder.js';
import {
  assignmentGate,
  genericValueRejection,
  isSecretName,
  matchAssignment,
  primeAssignment,
  type AssignmentGate,
} from './generic.js';
import { placeholderReason } from './placeholder.js';
import { ALLOWLISTED, CHECKSUM_FAILS, PUBLIC_KEY, genericVerdict, placeholderVerdict } from './filters.js';
import { checksumApplies, checksumHolds } from './checksum.js';
import { shannonEntropy } from './entropy.js';
import { isAllowedInline } from './allow.js';
import { LineIndex, lineEnd } from './position.js';
import { redact } from './redact.js';
import { fingerprint } from './fingerprint.js';
import { latin1 } from './latin1.js';

export interface ScannerOptions {
  /** Honour inline allow comments (default true; CI can turn them off so reviewers see every key). */
  inlineAllow?: boolean;
  /** A prefilter plan made before, for when the scan sets WASM up (AnchorFinderOptions.planFor). */
  anchorPlan?: () => TeddyPlan | undefined;
}

export interface Scanner {
  /** Findings in one piece of content (suppressed ones included, marked `suppressed`). */
  scan(bytes: Uint8Array, path: string): Finding[];
  scanText(text: string, path: string): Finding[];
  /**
   * A buffer of at least `size` bytes to read the next input into: scan() of a view of it from offset 0 then
   * reads it where it lies, with no copy (the prefilter's own WASM memory once it is set up). Valid until
   * the next inputBuffer() or scan(); a larger request may give other memory, without what this one held.
   */
  inputBuffer(size: number): Uint8Array;
  readonly ruleSet: CompiledRuleSet;
}

/** A match before filtering: rule index and the secret's byte span. */
interface Match {
  rule: number;
  start: number;
  end: number;
  secret: string;
}

const TOKEN = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')
  TOKEN[c.charCodeAt(0)] = 1;
/** Bytes of context either side of a window, so look-behinds and look-aheads see what is really there. */
const CONTEXT = 8;
const EMPTY = new Uint8Array(0);

export function createScanner(
  rules: readonly RuleSpec[] | CompiledRuleSet,
  options: ScannerOptions = {},
): Scanner {
  const ruleSet = Array.isArray(rules) ? compileRules(rules as RuleSpec[]) : (rules as CompiledRuleSet);
  const inlineAllow = options.inlineAllow ?? true;
  const encoder = new TextEncoder();
  const matcher = new Matcher(ruleSet, options.anchorPlan);

  const scan = (bytes: Uint8Array, path: string): Finding[] => {
    const matches = matcher.run(bytes);
    if (matches.length === 0) return [];
    return toFindings(ruleSet, bytes, path, resolveOverlaps(matches), inlineAllow);
  };
  return {
    scan,
    scanText: (text, path) => scan(encoder.encode(text), path),
    inputBuffer: (size) => matcher.inputView(size),
    ruleSet,
  };
}

/**
 * Turns anchor hits into matches. One instance per scanner, reused for every file: the hot path allocates
 * nothing per file but the matches it finds (most files have none).
 */
class Matcher {
  private bytes: Uint8Array = EMPTY;
  private matches: Match[] = [];
  /** Per rule: end of the last window its pattern ran on; anchors inside it are already covered. */
  private readonly windowEnd: Int32Array;
  /** Start of the last name the generic rule judged: one name can hold several keywords. */
  private lastNameStart = -1;
  /**
   * Per generic rule: names already judged. Code repeats its names (`apiKey`, `token`), and splitting one
   * into words costs more than the rest of the gate (~5% of a worktree scan). Bounded: cleared when full.
   */
  private readonly judgedNames: Array<Map<string, boolean> | undefined> = [];
  private readonly onHit = (anchor: number, end: number): void => this.hit(anchor, end);
  /** WebAssembly SIMD prefilter for large inputs, the JS automaton for small ones (anchor-finder.ts). */
  private readonly finder: AnchorFinder;

  constructor(
    private readonly set: CompiledRuleSet,
    planFor: (() => TeddyPlan | undefined) | undefined,
  ) {
    this.windowEnd = new Int32Array(set.rules.length);
    this.finder = createAnchorFinder(set.automaton.anchors, {
      automaton: set.automaton,
      gates: assignmentGates(set),
      ...(planFor ? { planFor } : {}),
    });
    for (const rule of set.rules) if (rule.spec.generic) primeAssignment(rule.spec.generic);
  }

  /** See Scanner.inputBuffer. */
  inputView(size: number): Uint8Array {
    return this.finder.inputView(size);
  }

  run(input: Uint8Array): Match[] {
    // One array shape on the hot path whatever the caller passes (a Buffer read from a file, a Uint8Array
    // from scanText, the priming's): V8's optimised code for it then never meets a second shape and is
    // not thrown away for it.
    const bytes =
      input.constructor === Uint8Array
        ? input
        : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.bytes = bytes;
    this.matches = [];
    this.windowEnd.fill(-1);
    this.lastNameStart = -1;
    this.finder.find(bytes, 0, bytes.length, this.onHit);
    this.bytes = EMPTY;
    return this.matches;
  }

  private hit(anchor: number, end: number): void {
    const set = this.set;
    const bytes = this.bytes;
    const start = end - set.anchorLength[anchor]!;
    for (const index of set.rulesByAnchor[anchor]!) {
      const rule = set.rules[index]!;
      if (rule.regex === undefined) {
        const generic = rule.spec.generic!;
        const assignment = matchAssignment(bytes, start, end, generic);
        if (!assignment || assignment.nameStart === this.lastNameStart) continue;
        this.lastNameStart = assignment.nameStart;
        if (!this.isSecretName(index, latin1(bytes, assignment.nameStart, assignment.nameEnd), generic))
          continue;
        const secret = latin1(bytes, assignment.valueStart, assignment.valueEnd);
        if (genericValueRejection(secret, generic)) continue;
        this.matches.push({ rule: index, start: assignment.valueStart, end: assignment.valueEnd, secret });
      } else if (end > this.windowEnd[index]!) {
        this.windowEnd[index] = matchInWindow(rule, index, bytes, start, end, this.matches);
      }
    }
  }

  private isSecretName(rule: number, name: string, generic: GenericSpec): boolean {
    const judged = (this.judgedNames[rule] ??= new Map());
    let secret = judged.get(name);
    if (secret === undefined) {
      secret = isSecretName(name, generic);
      if (judged.size >= JUDGED_NAMES_MAX) judged.clear();
      judged.set(name, secret);
    }
    return secret;
  }
}

const JUDGED_NAMES_MAX = 4096;

/**
 * The prefilter's gate for each anchor that only generic rules use: hit() would give its hits to
 * matchAssignment alone, so the WASM finder drops those no assignment follows (most of them) itself.
 */
export function assignmentGates(set: CompiledRuleSet): Array<AssignmentGate | undefined> {
  return set.rulesByAnchor.map((indexes, anchor) => {
    const specs: GenericSpec[] = [];
    for (const index of indexes) {
      const rule = set.rules[index]!;
      if (rule.regex !== undefined || !rule.spec.generic) return undefined;
      specs.push(rule.spec.generic);
    }
    return assignmentGate(set.automaton.anchors[anchor]!, specs);
  });
}

/**
 * Runs a format rule's pattern on the line around one anchor, at most `window` bytes either side, widened
 * to whole tokens so a key is never cut. Returns the window's end: later anchors inside it are covered.
 */
function matchInWindow(
  rule: CompiledRule,
  index: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Match[],
): number {
  const w = rule.window;
  const stop = rule.spec.crossLines ? -1 : 0x0a;
  let ws = start;
  while (ws > 0 && start - ws < w && bytes[ws - 1] !== stop) ws--;
  while (ws > 0 && start - ws < 4 * w && TOKEN[bytes[ws - 1]!]) ws--;
  let we = end;
  while (we < bytes.length && we - end < w && bytes[we] !== stop) we++;
  while (we < bytes.length && we - end < 4 * w && TOKEN[bytes[we]!]) we++;
  const from = Math.max(0, ws - CONTEXT);
  const to = Math.min(bytes.length, we + CONTEXT);
  const text = latin1(bytes, from, to);
  const regex = rule.regex!;
  regex.lastIndex = ws - from;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    if (m[0].length === 0) regex.lastIndex++;
    const span = m.indices?.[rule.secretGroup];
    if (!span) continue;
    const s = from + span[0];
    const e = from + span[1];
    if (s < ws || e > we) continue;
    out.push({ rule: index, start: s, end: e, secret: m[rule.secretGroup]! });
  }
  return we;
}

/** Where matches overlap, the rule listed first wins (specific shapes before generic ones). */
function resolveOverlaps(matches: Match[]): Match[] {
  matches.sort((a, b) => a.start - b.start || a.rule - b.rule || b.end - a.end);
  const kept: Match[] = [];
  for (const m of matches) {
    let keep = true;
    for (let k = kept.length - 1; k >= 0 && keep; k--) {
      const other = kept[k]!;
      if (other.end <= m.start) {
        if (other.start < m.start - 4096) break;
        continue;
      }
      if (other.rule === m.rule && other.start === m.start && other.end === m.end) keep = false;
      else if (other.rule <= m.rule) keep = false;
      else kept.splice(k, 1);
    }
    if (keep) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function toFindings(
  set: CompiledRuleSet,
  bytes: Uint8Array,
  path: string,
  matches: Match[],
  inlineAllow: boolean,
): Finding[] {
  const lines = new LineIndex(bytes);
  const findings: Finding[] = [];
  for (const m of matches) {
    const rule = set.rules[m.rule]!;
    const spec = rule.spec;
    const judged = judge(rule, m, bytes, path);
    if (judged === 'drop') continue;
    const { line, column, lineStart } = lines.locate(m.start);
    const length = m.secret.length;
    const finding: Finding = {
      ruleId: spec.id,
      severity: spec.severity,
      confidence: confidenceOf(rule, m.secret, judged === 'demote'),
      path,
      line,
      column,
      endLine: line,
      endColumn: column + length,
      secret: m.secret,
      redacted: redact(m.secret, spec.redactPrefix ?? 0),
      fingerprint: fingerprint(spec.id, m.secret),
    };
    if (typeof judged === 'object') {
      finding.filtered = judged;
      finding.suppressed = 'filter';
    }
    if (inlineAllow && isAllowedInline(bytes, lineStart, lineEnd(bytes, m.start), m.start))
      finding.suppressed = 'inline';
    findings.push(finding);
  }
  return findings;
}

/**
 * What becomes of a match: dropped (a format key's random part too uniform to be one: not a candidate),
 * kept, kept demoted, or judged by a filter (a finding marked suppressed, counted, shown with the filters
 * off). A failing checksum, a rule's allowlist and a public rule come first; then placeholders, and for the generic rule what
 * the value says (filters.ts).
 */
function judge(
  rule: CompiledRule,
  m: Match,
  bytes: Uint8Array,
  path: string,
): 'keep' | 'drop' | 'demote' | FilterVerdict {
  const spec = rule.spec;
  if (spec.kind === 'generic') {
    if (rule.allowlist.some((re) => re.test(m.secret))) return ALLOWLISTED;
    return genericVerdict(m.secret, bytes, path, m.start) ?? 'keep';
  }
  const verdict = judgeFormatSecret(rule, m.secret);
  if (verdict === 'drop') return verdict;
  if (spec.checksum && checksumApplies(spec.checksum, m.secret) && !checksumHolds(spec.checksum, m.secret))
    return CHECKSUM_FAILS;
  if (rule.allowlist.some((re) => re.test(m.secret))) return ALLOWLISTED;
  if (spec.public) return PUBLIC_KEY;
  return verdict;
}

/**
 * Placeholder and entropy checks on the random part of a format key (prefix and anchors removed): keep it,
 * drop it (too uniform to be a key), demote it (a hand-typed sequence under a rule that demotes rather than
 * drops them), or judge it a placeholder.
 */
function judgeFormatSecret(rule: CompiledRule, secret: string): 'keep' | 'drop' | 'demote' | FilterVerdict {
  const spec = rule.spec;
  let body = secret.slice(spec.redactPrefix ?? 0);
  for (const keyword of spec.keywords) body = body.split(keyword).join('');
  if (spec.minEntropy !== undefined && shannonEntropy(body) <= spec.minEntropy) return 'drop';
  const reason = spec.placeholderFilter === false ? undefined : placeholderReason(body);
  if (reason === undefined) return 'keep';
  return reason === 'sequence' && spec.sequences === 'demote' ? 'demote' : placeholderVerdict(reason);
}

/** The rule's confidence, lowered for an unusual length, a missing confidence mark, or a demoted sequence. */
function confidenceOf(rule: CompiledRule, secret: string, demoted: boolean): Confidence {
  if (demoted) return 'low';
  const spec = rule.spec;
  if (spec.canonicalLengths && !spec.canonicalLengths.includes(secret.length)) return lower(spec.confidence);
  if (rule.confident && !rule.confident.test(secret)) return lower(spec.confidence);
  return spec.confidence;
}

function lower(confidence: Confidence): Confidence {
  return confidence === 'high' ? 'medium' : 'low';
}
