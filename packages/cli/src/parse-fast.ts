import { parseArgs } from 'node:util';
import { COMMANDS, type CommandName, type OptionSpec } from './options.js';
import type { Args } from './handlers.js';

/**
 * Parses argv with node:util when it is plainly valid for one command (the hook's `scan --staged`, say).
 * Returns undefined for anything else (help, unknown options, bad values): yargs then parses it and
 * explains the problem. Both parsers read the same option table.
 */
export function parseFast(argv: string[]): { command: CommandName; args: Args } | undefined {
  const [name, ...rest] = argv;
  if (!name || !Object.hasOwn(COMMANDS, name)) return undefined;
  const command = name as CommandName;
  const specs: Record<string, OptionSpec> = COMMANDS[command].options;
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {};
  for (const [key, spec] of Object.entries(specs)) {
    options[key] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.alias && spec.alias.length === 1 ? { short: spec.alias } : {}),
      ...(spec.array ? { multiple: true } : {}),
    };
    if (spec.type === 'boolean') options[`no-${key}`] = { type: 'boolean' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  const args: Args = { _: [command] };
  for (const [key, spec] of Object.entries(specs)) {
    const value = parsed.values[key];
    const negated = parsed.values[`no-${key}`];
    if (value !== undefined && negated !== undefined) return undefined;
    let result: unknown = negated !== undefined ? !negated : (value ?? spec.default);
    if (result === undefined) continue;
    if (spec.type === 'number') {
      result = Number(result);
      if (!Number.isFinite(result)) return undefined;
    }
    if (spec.choices && !spec.choices.includes(String(result))) return undefined;
    args[key] = result;
  }
  if (parsed.positionals.length > 0) {
    if (!COMMANDS[command].usage.includes(' ')) return undefined; // it takes none: the slow path says so
    args.paths = parsed.positionals;
  }
  return { command, args };
}
