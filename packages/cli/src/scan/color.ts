import type { Args } from '../handlers.js';
import type { Io } from '../io.js';

/** Colours only on a terminal, never with NO_COLOR or --no-color; FORCE_COLOR forces them. */
export function useColor(args: Args, io: Io): { stdout: boolean; stderr: boolean } {
  if (args.color === false || io.env.NO_COLOR !== undefined) return { stdout: false, stderr: false };
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  return { stdout: forced || io.stdout.isTTY === true, stderr: forced || io.stderr.isTTY === true };
}
