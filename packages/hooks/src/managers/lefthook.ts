import { join } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { aboveComments, columnOf, lineEnding, lineStart, linesText, nextLineStart } from '../edits.js';
import { readText } from '../files.js';
import type { RepoContext } from '../git.js';
import { DEFAULT_BIN, launcherLines } from '../launcher.js';
import type { Workspace } from '../workspace.js';
import { isProblem, problem, type HookName, type HookOutcome, type Problem } from '../types.js';
import { indentUnit, pairOf, parseYaml, startOf } from '../yaml-text.js';
import { existingWiring, outcome, planned, scanCommand } from './common.js';

const YAML_FILES = [
  'lefthook.yml',
  '.lefthook.yml',
  'lefthook.yaml',
  '.lefthook.yaml',
  '.config/lefthook.yml',
  '.config/lefthook.yaml',
];
const OTHER_FILES = [
  'lefthook.toml',
  '.lefthook.toml',
  'lefthook.json',
  '.lefthook.json',
  'lefthook.jsonc',
  '.lefthook.jsonc',
];

export function findLefthook(ctx: RepoContext): { path: string; yaml: boolean } | undefined {
  for (const name of YAML_FILES)
    if (readText(join(ctx.top, name)) !== null) return { path: join(ctx.top, name), yaml: true };
  for (const name of OTHER_FILES)
    if (readText(join(ctx.top, name)) !== null) return { path: join(ctx.top, name), yaml: false };
  return undefined;
}

/**
 * A `keyward` command (or job, when the file uses `jobs:`) in the hook's section of lefthook.yml; the user's
 * own commands keep running beside it. lefthook runs `run:` with sh, gives stdin only to commands that ask
 * (`use_stdin`), and names the remote `{1}`.
 */
export function planLefthook(ws: Workspace, hook: HookName): HookOutcome | Problem {
  const config = findLefthook(ws.ctx);
  if (!config) return problem('manager-missing', { manager: 'lefthook', reason: 'no lefthook.yml' });
  const display = ws.display(config.path);
  if (!config.yaml) {
    return problem('config-unsupported', {
      path: display,
      manager: 'lefthook',
      reason: 'only YAML configurations are edited',
    });
  }
  const text = ws.read(config.path) ?? '';
  const doc = parseYaml(text, display);
  if (isProblem(doc)) return doc;
  const unsupported = (reason: string) =>
    problem('config-unsupported', { path: display, manager: 'lefthook', reason });
  if (doc.contents !== null && !(isMap(doc.contents) && !doc.contents.flow))
    return unsupported('the file is not a block mapping');

  const section = pairOf(doc.contents, hook);
  const sectionText = section
    ? text.slice(
        startOf(section.key) ?? 0,
        section.value && isMap(section.value) ? (section.value.range?.[1] ?? 0) : 0,
      )
    : '';
  const wired = existingWiring(sectionText, hook, scanCommand(hook));
  if (wired) return outcome(hook, 'lefthook', wired, display);

  const eol = lineEnding(text);
  const unit = indentUnit(text);
  const useJobs = /^\s+jobs:/m.test(text);
  const entry = (indent: string) => entryLines(hook, indent, unit, useJobs, ws.bin);
  const insertAt = (at: number, lines: string[]) =>
    planned(
      ws,
      'lefthook',
      hook,
      config.path,
      [{ at, remove: '', insert: linesText(lines, eol) }],
      ws.mode(config.path) ?? 0o644,
    );

  if (!section) {
    // No section for this hook yet: a new one at the end of the file.
    const lead = text.length > 0 && !text.endsWith('\n') ? eol : '';
    const lines = [`${hook}:`, `${unit}${useJobs ? 'jobs' : 'commands'}:`, ...entry(unit + unit)];
    return planned(
      ws,
      'lefthook',
      hook,
      config.path,
      [{ at: text.length, remove: '', insert: lead + linesText(lines, eol) }],
      ws.mode(config.path) ?? 0o644,
    );
  }
  const body = section.value;
  const keyColumn = columnOf(text, startOf(section.key) ?? 0);
  if (isScalar(body) && body.value === null) {
    // `pre-commit:` with nothing under it.
    const indent = ' '.repeat(keyColumn) + unit;
    return insertAt(nextLineStart(text, startOf(section.key) ?? 0), [
      `${indent}${useJobs ? 'jobs' : 'commands'}:`,
      ...entry(indent + unit),
    ]);
  }
  if (!isMap(body) || body.flow) return unsupported(`${hook} is not a block mapping`);
  const commands = pairOf(body, 'commands')?.value;
  const jobs = pairOf(body, 'jobs')?.value;
  if (isMap(commands) && !commands.flow && commands.items[0]) {
    const first = startOf(commands.items[0].key) ?? 0;
    return insertAt(
      aboveComments(text, lineStart(text, first)),
      entryLines(hook, ' '.repeat(columnOf(text, first)), unit, false, ws.bin),
    );
  }
  if (isSeq(jobs) && !jobs.flow && jobs.items[0]) {
    const dash = startOf(jobs) ?? 0;
    return insertAt(
      aboveComments(text, lineStart(text, dash)),
      entryLines(hook, ' '.repeat(columnOf(text, dash)), unit, true, ws.bin),
    );
  }
  if (commands !== undefined || jobs !== undefined)
    return unsupported(`the ${hook} commands or jobs are not a block collection`);
  const first = startOf(body.items[0]?.key);
  if (first === undefined) return unsupported(`${hook} is empty`);
  const indent = ' '.repeat(columnOf(text, first));
  return insertAt(aboveComments(text, lineStart(text, first)), [
    `${indent}${useJobs ? 'jobs' : 'commands'}:`,
    ...entry(indent + unit),
  ]);
}

/** The command (or job) lines, at `indent`; the launcher is a literal block scalar under `run: |`. */
function entryLines(
  hook: HookName,
  indent: string,
  unit: string,
  job: boolean,
  bin: string = DEFAULT_BIN,
): string[] {
  const style = hook === 'pre-commit' ? 'staged' : 'pre-push-lefthook';
  const fields = job ? `${indent}  ` : indent + unit;
  const head = job ? [`${indent}- name: keyward`] : [`${indent}keyward:`];
  const stdin = hook === 'pre-push' ? [`${fields}use_stdin: true`] : [];
  return [
    ...head,
    ...stdin,
    `${fields}run: |`,
    ...launcherLines(hook, style, bin).map((line) => fields + unit + line),
  ];
}

/** The snippet for `keyward install --print lefthook`. */
export function lefthookSnippet(hook: HookName): string[] {
  return [`${hook}:`, '  commands:', ...entryLines(hook, '    ', '  ', false)];
}
