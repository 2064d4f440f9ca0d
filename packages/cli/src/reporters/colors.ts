import pc from 'picocolors';
import type { Severity } from '@keyward/core';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours are decided by the caller (TTY, NO_COLOR, --no-color), never by picocolors' own stdout check. */
export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
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
