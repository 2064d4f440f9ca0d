import { join } from 'node:path';
import { isMap, type Document } from 'yaml';
import { aboveComments, columnOf, lineEnding, lineStart } from '../edits.js';
import { readText } from '../files.js';
import type { RepoContext } from '../git.js';
import type { Workspace } from '../workspace.js';
import { isProblem, problem, type Edit, type HookName, type HookOutcome, type Problem } from '../types.js';
import { keysOf, pairOf, parseYaml, startOf } from '../yaml-text.js';
import { outcome, planned } from './common.js';

/** The command lint-staged runs; it appends the staged files, which limit the scan (DESIGN §1). */
export const LINT_STAGED_COMMAND = 'keyward scan --staged';

/**
 * Globs that match every staged file, dotfiles included (lint-staged matches with `dot: true`, and a glob
 * without a slash against the basename). keyward takes the first one the configuration does not use yet,
 * so that it never shares (and, in JSON, silently overrides) a key of the user's.
 */
export const ALL_FILES_GLOBS = ['*', '**', '**/*', '{*,**/*}'];

/** Configuration files in lint-staged's own order of preference (lint-staged v16 `configFiles.js`). */
const RC_FILES = [
  '.lintstagedrc',
  '.lintstagedrc.json',
  '.lintstagedrc.yaml',
  '.lintstagedrc.yml',
  '.lintstagedrc.mjs',
  '.lintstagedrc.mts',
  '.lintstagedrc.js',
  '.lintstagedrc.ts',
  '.lintstagedrc.cjs',
  '.lintstagedrc.cts',
  'lint-staged.config.mjs',
  'lint-staged.config.mts',
  'lint-staged.config.js',
  'lint-staged.config.ts',
  'lint-staged.config.cjs',
  'lint-staged.config.cts',
];

export interface LintStagedConfig {
  path: string;
  /** `package`: under the "lint-staged" key of package.json / package.yaml; `data`: JSON or YAML; `js`: a module. */
  kind: 'package' | 'data' | 'js';
}

export function findLintStaged(ctx: RepoContext): LintStagedConfig | undefined {
  for (const name of ['package.json', 'package.yaml', 'package.yml']) {
    const path = join(ctx.top, name);
    const text = readText(path);
    if (text === null) continue;
    const doc = parseYaml(text, name);
    if (!isProblem(doc) && pairOf(doc.contents, 'lint-staged')) return { path, kind: 'package' };
  }
  for (const name of RC_FILES) {
    const path = join(ctx.top, name);
    if (readText(path) !== null) return { path, kind: /\.[mc]?[jt]s$/.test(name) ? 'js' : 'data' };
  }
  return undefined;
}

export function planLintStaged(ws: Workspace, hook: HookName): HookOutcome | Problem {
  if (hook !== 'pre-commit') {
    return problem('manager-hook-unsupported', { manager: 'lint-staged', hook });
  }
  const config = findLintStaged(ws.ctx);
  if (!config)
    return problem('manager-missing', { manager: 'lint-staged', reason: 'no lint-staged configuration' });
  const text = ws.read(config.path) ?? '';
  const display = ws.display(config.path);
  const edit =
    config.kind === 'js' ? jsEdit(text, display) : dataEdit(text, display, config.kind === 'package');
  if (isProblem(edit)) return edit;
  if (edit === 'user-wired') return outcome(hook, 'lint-staged', 'user-wired', display);
  return planned(ws, 'lint-staged', hook, config.path, [edit], ws.mode(config.path) ?? 0o644);
}

/** JSON or YAML: an entry before the first one of the configuration's mapping. */
function dataEdit(text: string, display: string, inPackage: boolean): Edit | 'user-wired' | Problem {
  const doc: Document | Problem = parseYaml(text, display);
  if (isProblem(doc)) return doc;
  const node = inPackage ? pairOf(doc.contents, 'lint-staged')?.value : doc.contents;
  const start = startOf(node);
  if (!isMap(node) || start === undefined) {
    return problem('config-unsupported', {
      path: display,
      manager: 'lint-staged',
      reason: 'the configuration is not a mapping',
    });
  }
  const section = text.slice(start, node.range?.[1] ?? text.length);
  if (section.includes('keyward scan')) return 'user-wired';
  const glob = ALL_FILES_GLOBS.find((candidate) => !keysOf(node).includes(candidate));
  if (glob === undefined)
    return problem('config-unsupported', {
      path: display,
      manager: 'lint-staged',
      reason: 'every all-files glob is taken',
    });
  const eol = lineEnding(text);
  const first = node.items[0];
  const firstKey = first ? startOf(first.key) : undefined;
  if (node.flow) {
    const entry = `"${glob}": "${LINT_STAGED_COMMAND}"`;
    if (firstKey === undefined) {
      // `{}`: open it up, the entry on its own line, indented one step past the line holding the brace.
      const indent = leadingSpace(text, start);
      const unit = indentStep(text);
      return { at: start + 1, remove: '', insert: `${eol}${indent}${unit}${entry}${eol}${indent}` };
    }
    const sameLine = !text.slice(start, firstKey).includes('\n');
    const separator = sameLine ? ' ' : eol + leadingSpace(text, firstKey);
    return { at: firstKey, remove: '', insert: `${entry},${separator}` };
  }
  if (firstKey === undefined) {
    return problem('config-unsupported', {
      path: display,
      manager: 'lint-staged',
      reason: 'an empty mapping',
    });
  }
  const at = aboveComments(text, lineStart(text, firstKey));
  return {
    at,
    remove: '',
    insert: `${' '.repeat(columnOf(text, firstKey))}'${glob}': ${LINT_STAGED_COMMAND}${eol}`,
  };
}

/** A module: an entry before the first one of `export default {` / `module.exports = {`. */
function jsEdit(text: string, display: string): Edit | 'user-wired' | Problem {
  const unsupported = (reason: string) =>
    problem('config-unsupported', { path: display, manager: 'lint-staged', reason });
  const match = /(?:export\s+default|module\.exports\s*=)\s*\{/.exec(text);
  if (!match) return unsupported('no `export default {` or `module.exports = {` object');
  if (text.includes('keyward scan')) return 'user-wired';
  const open = match.index + match[0].length;
  if (/\.\.\.\s*[A-Za-z_$(]/.test(text.slice(open)))
    return unsupported('the object spreads another configuration');
  const quote = (text.match(/'/g)?.length ?? 0) >= (text.match(/"/g)?.length ?? 0) ? "'" : '"';
  const taken = (glob: string) => text.includes(`'${glob}'`) || text.includes(`"${glob}"`);
  const glob = ALL_FILES_GLOBS.find((candidate) => !taken(candidate));
  if (glob === undefined) return unsupported('every all-files glob is taken');
  const entry = `${quote}${glob}${quote}: ${quote}${LINT_STAGED_COMMAND}${quote},`;
  const eol = lineEnding(text);
  const first = skipSpaceAndComments(text, open);
  if (text[first] === '}') {
    const indent = leadingSpace(text, match.index);
    return { at: open, remove: '', insert: `${eol}${indent}${indentStep(text)}${entry}${eol}${indent}` };
  }
  const sameLine = !text.slice(open, first).includes('\n');
  return { at: first, remove: '', insert: `${entry}${sameLine ? ' ' : eol + leadingSpace(text, first)}` };
}

function skipSpaceAndComments(text: string, from: number): number {
  let at = from;
  for (;;) {
    while (at < text.length && /\s/.test(text[at] ?? '')) at++;
    if (text.startsWith('//', at)) at = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
    else if (text.startsWith('/*', at))
      at = text.indexOf('*/', at) < 0 ? text.length : text.indexOf('*/', at) + 2;
    else return at;
  }
}

/** The whitespace at the start of the line holding `offset`. */
function leadingSpace(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? '';
}

/** One step of indentation in a JSON or JS file: its first indented line's indentation, else two spaces. */
function indentStep(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}
