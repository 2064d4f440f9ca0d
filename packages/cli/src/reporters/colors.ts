import type { Severity } from '@keyward/core';
import picocolors from 'picocolors';

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Every colour a no-op: what output without colour needs, without loading anything. */
const PLAIN = new Proxy({} as Colors, { get: () => (text: unknown) => String(text) });

/**
 * Colours are decided by the caller (TTY, NO_COLOR, --no-color), never by picocolors' own stdout check.
 * picocolors is bundled into the CLI (scripts/bundle.mjs): loaded from node_modules through Node's
 * CommonJS loader it cost ~9 ms on every commit made in a terminal.
 */
export function colors(enabled: boolean): Colors {
  return enabled ? picocolors.createColors(true) : PLAIN;
}

export function severityColor(c: Colors, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'critical':
      return (text) => c.bold(c.red(text));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.dim;
  }
}
