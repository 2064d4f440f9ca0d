import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding, Severity } from '@keyward/core';
import { pathFrom } from '@keyward/sources';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { Report } from '../report.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { VERSION } from '../version.js';
import { isAllowedByConfig, loadConfig } from '../config/index.js';
import { buildScanner } from '../scan/rules.js';
import { useColor } from '../scan/color.js';
import { inspectFile, judgeFile, needsGitState, type InspectedFile } from '../agents/audit.js';
import { isFile, projectConfigs, type Located } from '../agents/discover.js';
import { envFilesOf } from '../agents/env-files.js';
import { TOOLS } from '../agents/catalog.js';
import { gitStates, type GitState } from '../agents/git-state.js';
import { AGENT_RULES, NOT_KEYS } from '../agents/agent-rules.js';
import { userConfigs, userFolders } from '../agents/home.js';

/**
 * `keyward agents [paths..] [--home]`: the agent configurations under each project root (default: the
 * repository, or the working folder outside one), and with --home the user-level ones at their known
 * paths (agents/home.ts), each parsed in its format, every string value judged by
 * every rule, each finding given its agent, key path, scope, verdict and fix (DESIGN §1, §3). Exit codes
 * are the scan's: a file that could not be read makes a clean audit incomplete (3).
 */
export async function runAgents(args: Args, io: Io): Promise<number> {
  const started = Date.now();
  const config = await loadConfig({
    cwd: io.cwd,
    ...(args.paths?.[0] !== undefined ? { scanRoot: args.paths[0] } : {}),
    ...(typeof args.config === 'string' ? { explicitPath: args.config } : {}),
    env: io.env,
  });
  const roots = (args.paths?.length ? args.paths : [config.repoRoot ?? io.cwd]).map((path) =>
    projectRoot(resolve(io.cwd, path)),
  );
  let home: string | undefined;
  const user: Located[] = [];
  if (args.home === true) {
    const folders = userFolders(io.env);
    if (!folders) throw new KeywardError('E_AGENTS_NO_HOME', {});
    home = folders.home;
    user.push(...userConfigs(folders));
  }
  // Run from the home itself, `~/.claude/settings.json` is the user's file, not a project's.
  const userFiles = new Set(user.map((l) => l.file));
  const project = roots.flatMap((root) => projectConfigs(root)).filter((l) => !userFiles.has(l.file));
  const scanner = buildScanner(config);
  const located = [...project, ...user];
  const generic = scanner.ruleSet.rules.find((rule) => rule.spec.generic)?.spec.generic;

  const warnings: string[] = [];
  const findings: Finding[] = [];
  /** Each file inspected, with its absolute path. */
  const inspected: Array<{ audit: InspectedFile; file: string }> = [];
  const seenFiles = new Set<string>();
  let bytes = 0;
  let unreadable = 0;
  // git's view of a project config is only reported with its findings: one git process for the project's
  // files once one has some, none for a clean audit.
  const projectFiles = project.map((l) => l.file);
  let pending: Promise<Map<string, GitState>> | undefined;
  // A config can name more files its agent loads (env files): they join the queue as they are found.
  for (const { file, tool, format, scope, agent, credentials, root } of located) {
    if (seenFiles.has(file)) continue;
    seenFiles.add(file);
    const shown = scope === 'user' ? homeDisplay(file, home!) : display(file, io.cwd, config.repoRoot);
    const repoPath = scope === 'project' ? inside(config.repoRoot, file) : undefined;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      unreadable++;
      warnings.push(`${shown}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    bytes += Buffer.byteLength(text);
    const audit = await inspectFile(
      {
        path: shown,
        ...(repoPath !== undefined ? { repoPath } : {}),
        text,
        tool,
        format,
        scope,
        ...(agent ? { agent } : {}),
        ...(credentials ? { credentials, mode: modeOf(file) } : {}),
      },
      scanner,
      generic,
    );
    inspected.push({ audit, file });
    // git starts at the first finding and runs while the other files are inspected.
    if (needsGitState(audit)) pending ??= gitStates(projectFiles, config.repoRoot, io.env);
    if (root === undefined) continue;
    for (const env of envFilesOf(tool, audit.value, file, root))
      if (isFile(env))
        located.push({ file: env, tool: 'dotenv', format: 'dotenv', scope, agent: TOOLS[tool].name, root });
  }
  const states = pending ? await pending : new Map<string, GitState>();
  // An env file a config named, with findings, was not in the first question.
  const late = inspected.flatMap(({ audit, file }) =>
    needsGitState(audit) && !states.has(file) ? [file] : [],
  );
  if (late.length > 0)
    for (const [file, state] of await gitStates(late, config.repoRoot, io.env)) states.set(file, state);
  for (const { audit, file } of inspected) {
    if (audit.warning) warnings.push(audit.warning);
    const git = audit.file.scope === 'user' ? 'none' : (states.get(file) ?? 'none');
    findings.push(...judgeFile(audit, git));
  }
  for (const finding of findings) {
    if (!finding.suppressed && isAllowedByConfig(finding, config)) finding.suppressed = 'config';
  }
  let reported = findings.filter((f) => !f.suppressed);
  if (args.verify === true) {
    // Keys only: a base URL, an apiKeyHelper or a file mode has nothing to check.
    const keys = reported.filter((f) => !NOT_KEYS.has(f.ruleId));
    const { verify } = await import('./scan.js');
    const verified = keys.length > 0 ? await verify(keys, args, io, config.verify) : [];
    reported = [...verified, ...reported.filter((f) => NOT_KEYS.has(f.ruleId))];
  }
  const filters: Partial<Record<NonNullable<Finding['filtered']>['filter'], number>> = {};
  for (const f of findings)
    if (f.suppressed === 'filter' && f.filtered)
      filters[f.filtered.filter] = (filters[f.filtered.filter] ?? 0) + 1;

  const report: Report = {
    version: 1,
    tool: { name: 'keyward', version: VERSION },
    scan: {
      mode: 'agents',
      files: seenFiles.size - unreadable,
      blobs: 0,
      commits: 0,
      bytes,
      durationMs: Date.now() - started,
    },
    findings: reported,
    suppressed: {
      inline: 0,
      baseline: 0,
      config: findings.filter((f) => f.suppressed === 'config').length,
      ...(Object.keys(filters).length > 0 ? { filters } : {}),
    },
    skipped: { ignored: 0, binary: 0, tooLarge: 0, unreadable, links: 0 },
    warnings,
  };

  const { emitReport, outputOptions, summaryLine, exitCodeFor } = await import('../reporters/index.js');
  const color = useColor(args, io);
  for (const line of warnings) io.stderr.write(`keyward: ${line}\n`);
  await emitReport(
    report,
    {
      ...outputOptions(args),
      color: color.stdout,
      env: io.env,
      rules: [...scanner.ruleSet.rules.map((r) => r.spec), ...AGENT_RULES],
    },
    io,
  );
  if (args.quiet !== true) {
    const audited = `${seenFiles.size - unreadable} agent config${seenFiles.size - unreadable === 1 ? '' : 's'}`;
    io.stderr.write(
      `${summaryLine(report, { color: color.stderr }).replace(/^keyward: /, `keyward: ${audited}: `)}\n`,
    );
  }
  const exit = exitCodeFor(report, {
    ...(typeof args['fail-on'] === 'string' ? { failOn: args['fail-on'] as Severity } : {}),
    exitZero: args['exit-zero'] === true,
  });
  return unreadable > 0 && exit === EXIT.clean ? EXIT.incomplete : exit;
}

/** A project root: a folder that exists. */
function projectRoot(path: string): string {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new KeywardError('E_PATH_MISSING', { path });
  }
  if (!isDir)
    throw new KeywardError('E_USAGE', { message: `agents: ${path} is not a folder; name a project folder` });
  return path;
}

/**
 * A project file as reports show it: relative to the working folder, with `../` when it lies above it in the
 * same work tree (run from a subfolder), else its absolute path.
 */
function display(file: string, cwd: string, top: string | undefined): string {
  const rel = relative(cwd, file);
  const near = !rel.startsWith('..') || inside(top, file) !== undefined;
  return (near && !isAbsolute(rel) ? rel : file).split(sep).join('/');
}

/** `file`'s path from `top` (`/`-separated) when it lies beneath it. */
function inside(top: string | undefined, file: string): string | undefined {
  return top === undefined ? undefined : pathFrom(top, file);
}

/** A user-level file as reports show it: `~/…` under the home, else its absolute path. */
function homeDisplay(file: string, home: string): string {
  const rel = relative(home, file);
  return rel.startsWith('..') || rel === file ? file : `~/${rel.split(sep).join('/')}`;
}

/** Permission bits (0 on Windows, whose files have none that mean this). */
function modeOf(file: string): number {
  if (process.platform === 'win32') return 0;
  try {
    return statSync(file).mode & 0o777;
  } catch {
    return 0;
  }
}
