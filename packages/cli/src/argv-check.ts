import { KeywardError } from './errors.js';
import { COMMANDS, type CommandName, type OptionSpec } from './options.js';

/**
 * Names what is wrong with argv in keyward's own words, before yargs parses it: an unknown command, an
 * unknown option (listing the options that command takes), or an argument where the command takes none.
 * Runs only on the slow path (the fast parser took everything plainly valid). `--help` anywhere wins.
 */
export function checkArgv(argv: readonly string[]): void {
  const end = argv.indexOf('--');
  const tokens = end === -1 ? argv : argv.slice(0, end);
  if (tokens.length === 0 || tokens.some((t) => t === '--help' || t === '-h')) return;
  const first = tokens[0]!;
  if (!isFlag(first) && !isCommand(first))
    throw new KeywardError('E_UNKNOWN_COMMAND', {
      command: shown(first),
      hint: hint(first, Object.keys(COMMANDS)),
      commands: Object.keys(COMMANDS).join(', '),
    });
  // yargs also takes options before the command (`--format json scan`): check them against that command.
  const command = tokens.find(isCommand);
  if (command === undefined)
    throw new KeywardError('E_NO_COMMAND', {
      option: shown(optionName(first)),
      commands: Object.keys(COMMANDS).join(', '),
    });
  checkCommand(
    command,
    tokens.filter((t, i) => i !== tokens.indexOf(command)),
  );
}

function checkCommand(command: CommandName, tokens: readonly string[]): void {
  const { usage, options } = COMMANDS[command];
  const takesArguments = usage.includes(' ');
  const unknown = (option: string) =>
    new KeywardError('E_UNKNOWN_OPTION', {
      command,
      option: shown(option),
      hint: hint(option, optionNames(command)),
      options: optionNames(command).join(', '),
    });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!isFlag(token)) {
      if (takesArguments) continue;
      throw new KeywardError('E_UNEXPECTED_ARGUMENT', {
        command,
        argument: shown(token),
        options: optionNames(command).join(', '),
      });
    }
    const { spec, takesNext } = flag(token, options, unknown);
    // yargs takes the next argument as the value unless it looks like an option; an array takes them all.
    if (takesNext)
      while (i + 1 < tokens.length && !isFlag(tokens[i + 1]!)) {
        i++;
        if (!spec.array) break;
      }
  }
}

/**
 * The option a flag names (the last of a cluster of short ones, `-qj4`), and whether its value is the
 * next argument (not `--name=value`, not the rest of a cluster).
 */
function flag(
  token: string,
  options: Record<string, OptionSpec>,
  unknown: (option: string) => KeywardError,
): { spec: OptionSpec; takesNext: boolean } {
  if (token.startsWith('--')) {
    const name = optionName(token).slice(2);
    const spec = options[name] ?? negated(options, name);
    if (!spec) throw unknown(`--${name}`);
    return { spec, takesNext: spec.type !== 'boolean' && !token.includes('=') };
  }
  const letters = [...token.slice(1)];
  for (const [j, letter] of letters.entries()) {
    const spec = Object.values(options).find((s) => s.alias === letter);
    if (!spec) throw unknown(`-${letter}`);
    if (spec.type !== 'boolean' || j === letters.length - 1)
      return { spec, takesNext: spec.type !== 'boolean' && j === letters.length - 1 };
  }
  throw unknown(token); // `-` alone is not a flag (isFlag)
}

/** What the command takes: `--hook, --manager, --dry-run, --print, --color, --no-color, --quiet`. */
export function optionNames(command: CommandName): string[] {
  return Object.entries(COMMANDS[command].options).flatMap(([name, spec]) => [
    ...(spec.default === true ? [] : [`--${name}`]),
    ...(spec.default === true || spec.negatable ? [`--no-${name}`] : []),
  ]);
}

function negated(options: Record<string, OptionSpec>, name: string): OptionSpec | undefined {
  const spec = name.startsWith('no-') ? options[name.slice(3)] : undefined;
  return spec?.type === 'boolean' ? spec : undefined;
}

const isCommand = (token: string): token is CommandName => Object.hasOwn(COMMANDS, token);

/** `-x`, `--x`; not `-` (stdin, by convention) nor a negative number. */
const isFlag = (token: string) => token.startsWith('-') && token !== '-' && !/^-\d/.test(token);

/** `--name` of `--name=value`: the value is never echoed. */
const optionName = (token: string) => token.split('=')[0]!;

/**
 * argv as the user typed it, when short: a pasted key in the wrong place must not end up in a terminal's
 * scrollback or a CI log a second time.
 */
function shown(token: string): string {
  return token.length <= 24
    ? JSON.stringify(token).slice(1, -1)
    : `(an argument of ${token.length} characters)`;
}

/** `; did you mean install?` for a name one or two edits from a known one. */
function hint(typed: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best === undefined ? '' : `; did you mean ${best}?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
