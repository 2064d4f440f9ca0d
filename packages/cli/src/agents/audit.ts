import { fingerprint, type Finding, type GenericSpec, type Scanner } from '@keyward/core';
import { TOOLS, type ConfigFormat, type ToolId } from './catalog.js';
import { parseConfig, position } from './formats.js';
import type { GitState } from './git-state.js';
import { MODE_RULE } from './agent-rules.js';
import { inspectLeaf, keyHit, type Hit } from './inspect.js';
import { formatKeyPath, leaves } from './leaves.js';
import { verdictFor } from './verdict.js';

/** An agent configuration to audit: its text, what reads it and where it sits. */
export interface ConfigFile {
  /** As reports show it (relative to the working folder, `/`-separated; `~/…` for a home file). */
  path: string;
  /** A project file's path from the top of its git work tree: what a `.gitignore` line names. */
  repoPath?: string;
  text: string;
  tool: ToolId;
  format: ConfigFormat;
  scope: 'project' | 'user';
  /** The agent's name when the tool entry does not give it (a credential store). */
  agent?: string;
  /** A credential store, and its permission bits: wider than 0600 is a finding. */
  credentials?: boolean;
  mode?: number;
}

/** A file's hits, placed in its text, before their verdicts (which need git's view of the file). */
export interface InspectedFile {
  file: ConfigFile;
  hits: PlacedHit[];
  /** A line for stderr when the file could not be parsed (it was then scanned as plain text). */
  warning?: string;
  /** The parsed configuration (undefined when it did not parse). */
  value?: unknown;
}

interface PlacedHit {
  hit: Hit;
  keyPath?: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
}

/**
 * Parses one configuration and judges every string value (inspect.ts), placing each hit in the text. A
 * file that does not parse is scanned as plain text by every rule, with a warning naming it: a broken file
 * must never look clean.
 */
export async function inspectFile(
  file: ConfigFile,
  scanner: Scanner,
  generic: GenericSpec | undefined,
): Promise<InspectedFile> {
  const context = { scanner, generic, scope: file.scope, path: file.path };
  const parsed = await parseConfig(file.text, file.format);
  const found: Array<{ hit: Hit; keyPath?: string; name?: string }> = [];
  let warning: string | undefined;
  if (parsed.ok) {
    let previous: { path: ReadonlyArray<string | number>; value: string } | undefined;
    for (const leaf of leaves(parsed.value)) {
      const before = previousSibling(previous, leaf.path);
      for (const hit of inspectLeaf(leaf, before, context)) {
        const last = leaf.path[leaf.path.length - 1];
        found.push({
          hit,
          keyPath: formatKeyPath(leaf.path),
          ...(typeof last === 'string' ? { name: last } : {}),
        });
      }
      previous = leaf;
    }
  } else {
    warning = `${file.path}: not valid ${FORMAT_NAMES[file.format]} (${parsed.reason}); scanned it as plain text`;
    for (const f of scanner.scanText(file.text, file.path)) found.push({ hit: keyHit(f) });
  }
  if (file.credentials && file.mode !== undefined && (file.mode & 0o077) !== 0) {
    const mode = `mode 0${(file.mode & 0o777).toString(8)}`;
    found.push({
      hit: {
        ruleId: MODE_RULE,
        severity: 'high',
        confidence: 'high',
        secret: file.path,
        redacted: mode,
        fingerprint: fingerprint(MODE_RULE, file.path),
        kind: 'exposure',
      },
    });
  }
  const hits: PlacedHit[] = [];
  const seen = new Set<string>();
  let cursor = 0;
  for (const { hit, keyPath, name } of found) {
    const id = `${hit.fingerprint}\0${keyPath ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const at = hit.kind === 'exposure' ? { start: 0, end: 1 } : locate(file.text, hit.secret, name, cursor);
    if (hit.kind !== 'exposure') cursor = at.end;
    hits.push({
      hit,
      ...(keyPath !== undefined ? { keyPath } : {}),
      start: position(file.text, at.start),
      end: position(file.text, Math.max(at.start, at.end - 1)),
    });
  }
  return { file, hits, ...(warning ? { warning } : {}), ...(parsed.ok ? { value: parsed.value } : {}) };
}

/**
 * Whether git's view of the file goes into the report: a project config with a finding to report (the
 * verdict on a key depends on it, every finding shows it). Only then is git asked (one process, ~10-15 ms
 * to start), so a clean audit never runs it.
 */
export function needsGitState({ file, hits }: InspectedFile): boolean {
  return file.scope === 'project' && hits.some(({ hit }) => !hit.suppressed);
}

/** The findings of an inspected file: each hit with its verdict, agent, key path and fix. */
export function judgeFile({ file, hits }: InspectedFile, git: GitState): Finding[] {
  const tool = TOOLS[file.tool];
  const agent = file.agent ?? tool.name;
  const place = {
    path: file.path,
    ...(file.repoPath !== undefined ? { repoPath: file.repoPath } : {}),
    scope: file.scope,
    git,
    tool,
  };
  return hits.map(({ hit, keyPath, start, end }) => {
    const verdict = verdictFor(hit, place);
    return {
      ruleId: hit.ruleId,
      severity: verdict.severity,
      confidence: hit.confidence,
      path: file.path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column + 1,
      secret: hit.secret,
      redacted: hit.redacted,
      fingerprint: hit.fingerprint,
      ...(hit.suppressed ? { suppressed: hit.suppressed } : {}),
      ...(hit.filtered ? { filtered: hit.filtered } : {}),
      agent,
      ...(keyPath !== undefined ? { keyPath } : {}),
      scope: file.scope,
      git,
      why: verdict.why,
      fix: verdict.fix,
    };
  });
}

export const FORMAT_NAMES: Record<ConfigFormat, string> = {
  jsonc: 'JSON',
  toml: 'TOML',
  yaml: 'YAML',
  dotenv: 'dotenv',
};

/** The string just before this one in the same array (`["--api-key", "…"]`). */
function previousSibling(
  previous: { path: ReadonlyArray<string | number>; value: string } | undefined,
  path: ReadonlyArray<string | number>,
): string | undefined {
  const index = path[path.length - 1];
  if (previous === undefined || typeof index !== 'number' || index === 0) return undefined;
  const before = previous.path;
  if (before.length !== path.length || before[before.length - 1] !== index - 1) return undefined;
  return before.slice(0, -1).every((part, i) => part === path[i]) ? previous.value : undefined;
}

/**
 * Where the secret is in the file's text: its next occurrence after the last one placed (values come in
 * document order), else its first, else the field's name (an escaped value), else the file's start.
 */
function locate(
  text: string,
  secret: string,
  name: string | undefined,
  cursor: number,
): { start: number; end: number } {
  let start = text.indexOf(secret, cursor);
  if (start === -1) start = text.indexOf(secret);
  if (start !== -1) return { start, end: start + secret.length };
  const at = name !== undefined ? text.indexOf(name) : -1;
  return at !== -1 ? { start: at, end: at + name!.length } : { start: 0, end: 1 };
}
