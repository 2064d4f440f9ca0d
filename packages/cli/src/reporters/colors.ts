import { createRequire } from 'node:module';
import type { Severity } from '@keyward/core';
import type picocolors from 'picocolors';

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Every colour a no-op: what output without colour needs, without loading anything. */
const PLAIN = new Proxy({} as Colors, { get: () => (text: unknown) => String(text) });

/**
 * Colours are decided by the caller (TTY, NO_COLOR, --no-color), never by picocolors' own stdout check.
 * picocolors is loaded only when colour is on: loading it (CommonJS) costs ~9 ms, on every commit.
 */
export function colors(enabled: boolean): Colors {
  if (!enabled) return PLAIN;
  const pc = createRequire(import.meta.url)('picocolors') as typeof picocolors;
  return pc.createColors(true);
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
