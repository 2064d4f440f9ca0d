import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isMap, isSeq } from 'yaml';
import { aboveComments, columnOf, lineEnding, lineStart, linesText } from '../edits.js';
import type { Env } from '../git.js';
import { DEFAULT_BIN, launcherLines } from '../launcher.js';
import type { Workspace } from '../workspace.js';
import { isProblem, problem, type HookName, type HookOutcome, type Problem } from '../types.js';
import { pairOf, parseYaml, startOf } from '../yaml-text.js';
import { existingWiring, outcome, planned, scanCommand } from './common.js';

export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';

/**
 * A `repo: local` hook in .pre-commit-config.yaml, `language: system` (nothing to download: it works
 * offline) running the launcher with sh. Each hook is its own `repo: local` item, so installing and
 * uninstalling one never touches the other.
 */
export function planPreCommit(ws: Workspace, hook: HookName): HookOutcome | Problem {
  const path = join(ws.ctx.top, PRE_COMMIT_CONFIG);
  const text = ws.read(path);
  if (text === null)
    return problem('manager-missing', { manager: 'pre-commit', reason: `no ${PRE_COMMIT_CONFIG}` });
  const display = ws.display(path);
  const unsupported = (reason: string) =>
    problem('config-unsupported', { path: display, manager: 'pre-commit', reason });
  const doc = parseYaml(text, display);
  if (isProblem(doc)) return doc;
  const wired =
    existingWiring(text, hook, scanCommand(hook)) ??
    (hasHookId(doc.toJS(), hookId(hook)) ? 'user-wired' : undefined);
  if (wired) return outcome(hook, 'pre-commit', wired, display);
  const repos = pairOf(doc.contents, 'repos');
  if (!repos) return unsupported('no `repos:` list');
  const eol = lineEnding(text);
  const stages = stageNames(doc.toJS() as unknown, ws.ctx.env);
  const edit = (at: number, remove: string, insert: string) =>
    planned(ws, 'pre-commit', hook, path, [{ at, remove, insert }], ws.mode(path) ?? 0o644);
  const list = repos.value;
  if (isSeq(list) && !list.flow && list.items[0]) {
    const dash = startOf(list) ?? 0;
    const firstKey = isMap(list.items[0]) ? (startOf(list.items[0].items[0]?.key) ?? dash + 2) : dash + 2;
    const layout = hooksLayout(text, list.items[0]);
    const lines = repoItemLines(
      hook,
      stages,
      columnOf(text, dash),
      columnOf(text, firstKey) - columnOf(text, dash),
      layout,
      ws.bin,
    );
    return edit(aboveComments(text, lineStart(text, dash)), '', linesText(lines, eol));
  }
  if (isSeq(list) && list.flow && list.items.length === 0) {
    // `repos: []`: the empty flow list gives way to a block list holding keyward's item.
    const colon = text.indexOf(':', startOf(repos.key) ?? 0) + 1;
    const end = text.indexOf(']', colon) + 1;
    const lines = repoItemLines(hook, stages, 0, 2, { dash: 2, gap: 2 }, ws.bin);
    return edit(colon, text.slice(colon, end), eol + linesText(lines, eol).slice(0, -eol.length));
  }
  return unsupported('`repos:` is not a block list');
}

/** The hook ids keyward uses, here and in its own .pre-commit-hooks.yaml. */
export function hookId(hook: HookName): string {
  return hook === 'pre-commit' ? 'keyward' : 'keyward-pre-push';
}

/** A hook with this id in any repo of the configuration (keyward referenced as a `repo:`, say). */
function hasHookId(config: unknown, id: string): boolean {
  const repos = (config as { repos?: unknown } | null)?.repos;
  if (!Array.isArray(repos)) return false;
  return repos.some(
    (repo: { hooks?: unknown }) =>
      Array.isArray(repo?.hooks) && repo.hooks.some((h: { id?: unknown }) => h?.id === id),
  );
}

/** How the first repo item lays out its `hooks:` list: dash column relative to `hooks`, and the gap after it. */
function hooksLayout(text: string, item: unknown): { dash: number; gap: number } {
  const hooks = pairOf(item, 'hooks');
  const list = hooks?.value;
  if (!hooks || !isSeq(list) || list.flow || !list.items[0] || !isMap(list.items[0]))
    return { dash: 2, gap: 2 };
  const key = columnOf(text, startOf(hooks.key) ?? 0);
  const dash = columnOf(text, startOf(list) ?? 0);
  const content = columnOf(text, startOf(list.items[0].items[0]?.key) ?? 0);
  return { dash: Math.max(0, dash - key), gap: Math.max(2, content - dash) };
}

export function repoItemLines(
  hook: HookName,
  stages: 'legacy' | 'current',
  dash: number,
  gap: number,
  layout: { dash: number; gap: number },
  bin: string = DEFAULT_BIN,
): string[] {
  const pad = (n: number) => ' '.repeat(n);
  const item = dash + gap; // column of the repo item's keys
  const hookDash = item + layout.dash;
  const field = hookDash + layout.gap; // column of the hook's keys
  const stage =
    hook === 'pre-commit'
      ? stages === 'current'
        ? 'pre-commit'
        : 'commit'
      : stages === 'current'
        ? 'pre-push'
        : 'push';
  // The commit hook takes the files the framework names (pass_filenames), so `run --all-files` checks them.
  const style = hook === 'pre-commit' ? 'staged-files' : 'pre-push-pre-commit';
  return [
    `${pad(dash)}# keyward ${hook} hook: added by \`keyward install\`; \`keyward uninstall\` removes it`,
    `${pad(dash)}-${pad(gap - 1)}repo: local`,
    `${pad(item)}hooks:`,
    `${pad(hookDash)}-${pad(layout.gap - 1)}id: ${hookId(hook)}`,
    `${pad(field)}name: keyward (API keys in ${hook === 'pre-commit' ? 'staged changes' : 'pushed commits'})`,
    `${pad(field)}entry: sh`,
    `${pad(field)}args:`,
    `${pad(field)}- -c`,
    `${pad(field)}- |`,
    ...launcherLines(hook, style, bin).map((line) => pad(field + 2) + line),
    `${pad(field)}- keyward`,
    `${pad(field)}language: system`,
    `${pad(field)}pass_filenames: ${hook === 'pre-commit'}`,
    `${pad(field)}always_run: true`,
    `${pad(field)}stages: [${stage}]`,
  ];
}

/**
 * Stage names: pre-commit 3.2 added `pre-commit`/`pre-push`, 4.0 warns on the old `commit`/`push`, and 3.0
 * (Debian's package) knows only the old ones. Follow the names the file already uses; else the current
 * names when the installed pre-commit is 4 or newer (so it does not warn on every run); else the old ones,
 * which every release accepts.
 */
export function stageNames(config: unknown, env: Env): 'legacy' | 'current' {
  const used = new Set<string>();
  const collect = (value: unknown) => {
    if (Array.isArray(value)) for (const stage of value) if (typeof stage === 'string') used.add(stage);
  };
  if (config && typeof config === 'object') {
    const root = config as { default_stages?: unknown; repos?: unknown };
    collect(root.default_stages);
    if (Array.isArray(root.repos)) {
      for (const repo of root.repos as { hooks?: { stages?: unknown }[] }[]) {
        for (const h of repo?.hooks ?? []) collect(h?.stages);
      }
    }
  }
  if (['pre-commit', 'pre-push', 'pre-merge-commit'].some((s) => used.has(s))) return 'current';
  if (['commit', 'push', 'merge-commit'].some((s) => used.has(s))) return 'legacy';
  const major = Number(/pre-commit (\d+)\./.exec(preCommitVersion(env))?.[1] ?? 0);
  return major >= 4 ? 'current' : 'legacy';
}

function preCommitVersion(env: Env): string {
  const result = spawnSync('pre-commit', ['--version'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return result.status === 0 ? result.stdout : '';
}

/** The snippet for `keyward install --print pre-commit` (an item of `repos:`). */
export function preCommitSnippet(hook: HookName): string[] {
  return repoItemLines(hook, 'legacy', 0, 2, { dash: 2, gap: 2 });
}
