import { resolve } from 'node:path';
import { RULE_FAMILIES, RuleCompileError, familyOf, type RuleSpec } from '@keyward/core';
import { RULES } from '@keyward/rules';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import {
  applyConfigToRules,
  loadConfig,
  parseConfigFile,
  validateConfig,
  type ResolvedConfig,
} from '../config/index.js';
import { checkCustomRules } from '../config/check-rules.js';
import { plural } from '../reporters/shared.js';
import { colors, severityColor, type Colors } from '../reporters/colors.js';
import { useColor } from '../scan/color.js';

/**
 * `keyward rules list`: the rules a scan here would run (defaults, config switches and overrides, custom
 * rules). `keyward rules check [file]`: runs the custom rules' examples through the whole engine; the file
 * is a config file, or a rule file holding one rule or a list of them (default: the config found upward).
 * Severities and verdicts are coloured on a terminal; --quiet leaves out the closing count on stderr.
 * Exit 0, 1 when an example fails, 2 on an invalid file.
 */
export async function runRules(args: Args, io: Io): Promise<number> {
  const positionals =
    args.paths ?? [args.action, args.file].filter((v): v is string => typeof v === 'string');
  const [action = 'list', file, ...rest] = positionals;
  const color = useColor(args, io);
  const out = { c: colors(color.stdout), err: colors(color.stderr), quiet: args.quiet === true };
  if (rest.length > 0) throw new KeywardError('E_USAGE', { message: `rules: unexpected ${rest.join(' ')}` });
  if (action === 'list') {
    if (file !== undefined)
      throw new KeywardError('E_USAGE', { message: 'rules list takes no file; use --config' });
    return list(await configFor(args, io), args, io, out);
  }
  if (action === 'check')
    return check(file ? await ruleFile(resolve(io.cwd, file)) : await configFor(args, io), io, out);
  throw new KeywardError('E_USAGE', { message: `rules ${action}: use rules list or rules check [file]` });
}

async function configFor(args: Args, io: Io): Promise<ResolvedConfig> {
  return loadConfig({
    cwd: io.cwd,
    ...(typeof args.config === 'string' ? { explicitPath: args.config } : {}),
    env: io.env,
  });
}

/** A config file as is; anything else is a rule file: one rule, or a list of rules, with examples. */
async function ruleFile(file: string): Promise<ResolvedConfig> {
  const raw = await parseConfigFile(file);
  const isRules = Array.isArray(raw) || (typeof raw === 'object' && raw !== null && 'pattern' in raw);
  const validated = validateConfig(isRules ? { customRules: Array.isArray(raw) ? raw : [raw] } : raw, file);
  return { ...validated, file, baseDir: resolve(file, '..'), inlineAllow: validated.inlineAllow !== false };
}

/** Colours for stdout and stderr, and --quiet. */
interface Output {
  c: Colors;
  err: Colors;
  quiet: boolean;
}

function rulesOf(config: ResolvedConfig): RuleSpec[] {
  return applyConfigToRules(RULES, config);
}

const PUBLIC_NOTE = '(public by design: reported with scan --no-filters)';

/**
 * The rules grouped by family (RULE_FAMILIES order, the preset's order within one), each on or off: off by
 * its own switch under `rules`, or by its family's under `families`.
 */
function list(config: ResolvedConfig, args: Args, io: Io, { c, err, quiet }: Output): number {
  const custom = new Set(config.customRules.map((r) => r.id));
  const applied = new Map(rulesOf(config).map((r) => [r.id, r]));
  const candidates = [...(config.extends === 'keyward:none' ? [] : RULES), ...config.customRules];
  const rows = candidates.map((r) => ({
    ...(applied.get(r.id) ?? r),
    family: familyOf(r),
    custom: custom.has(r.id),
    enabled: applied.has(r.id),
  }));
  const order = Object.keys(RULE_FAMILIES);
  const rank = (family: string) => (order.includes(family) ? order.indexOf(family) : order.length);
  const all = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r.family) - rank(b.r.family) || a.i - b.i)
    .map(({ r }) => r);
  const on = all.filter((r) => r.enabled);
  if (args.format === 'json') {
    const json = all.map((r) => ({
      id: r.id,
      title: r.title,
      provider: r.provider,
      family: r.family,
      severity: r.severity,
      confidence: r.confidence,
      custom: r.custom,
      enabled: r.enabled,
      ...(r.public ? { public: true } : {}),
    }));
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT.clean;
  }
  const idWidth = Math.max(...all.map((r) => r.id.length));
  let family: string | undefined;
  for (const r of all) {
    if (r.family !== family) {
      family = r.family;
      const members = all.filter((x) => x.family === family);
      const enabled = members.filter((x) => x.enabled).length;
      const title = (RULE_FAMILIES as Record<string, string>)[family] ?? family;
      const state = enabled === members.length ? '' : `, ${members.length - enabled} off`;
      io.stdout.write(
        `${family === all[0]!.family ? '' : '\n'}${c.bold(title)} ${c.dim(`[${family}] ${plural(members.length, 'rule')}${state}`)}\n`,
      );
    }
    const severity = r.enabled ? severityColor(c, r.severity)(r.severity.padEnd(8)) : c.dim('off'.padEnd(8));
    // A public rule's keys are found and hidden by the public-key filter; `scan --no-filters` lists them.
    const notes = `${r.custom ? ` ${c.cyan('(custom)')}` : ''}${r.public ? ` ${c.dim(PUBLIC_NOTE)}` : ''}`;
    io.stdout.write(`${r.id.padEnd(idWidth)}  ${severity}  ${r.title}${notes}\n`);
  }
  if (!quiet)
    io.stderr.write(
      `keyward: ${err.bold(`${on.length} rules on`)}, ${all.length - on.length} off${config.file ? ` (${config.file})` : ''}\n`,
    );
  return EXIT.clean;
}

function check(config: ResolvedConfig, io: Io, { c, err, quiet }: Output): number {
  const where = config.file ?? '(no config file)';
  if (config.customRules.length === 0) {
    if (!quiet) io.stderr.write(`keyward: ${where}: no custom rules to check\n`);
    return EXIT.clean;
  }
  let results;
  try {
    results = checkCustomRules(rulesOf(config), config.customRules);
  } catch (error) {
    if (error instanceof RuleCompileError) {
      throw new KeywardError('E_RULE_INVALID', { file: where, ruleId: error.ruleId, reason: error.reason });
    }
    throw error;
  }
  let failed = 0;
  for (const result of results) {
    const counts = `${plural(result.examples, 'example')}, ${result.negativeExamples} negative`;
    if (result.problems.length === 0) io.stdout.write(`${c.green('ok')}    ${result.ruleId} (${counts})\n`);
    else {
      failed++;
      for (const p of result.problems)
        io.stdout.write(`${c.red('FAIL')}  ${p.ruleId} ${p.example}: ${p.problem}\n`);
    }
  }
  if (!quiet) {
    const passed = `${results.length - failed} of ${results.length}`;
    io.stderr.write(
      `keyward: ${where}: ${(failed > 0 ? err.red : err.green)(passed)} custom rules pass their examples\n`,
    );
  }
  return failed > 0 ? EXIT.findings : EXIT.clean;
}
