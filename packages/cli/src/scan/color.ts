import type { Args } from '../handlers.js';
import type { Io } from '../io.js';

/**
 * Whether stdout and stderr get colour, for every command: on a terminal, never with NO_COLOR or
 * --no-color (DESIGN §1); --color, like FORCE_COLOR, forces it where there is no terminal.
 */
export function useColor(args: Args, io: Io): { stdout: boolean; stderr: boolean } {
  if (args.color === false || io.env.NO_COLOR !== undefined) return { stdout: false, stderr: false };
  const forced = args.color === true || (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0');
  return { stdout: forced || io.stdout.isTTY === true, stderr: forced || io.stderr.isTTY === true };
}
