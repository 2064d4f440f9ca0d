/**
 * A blob listed but gone when read (a concurrent gc): one warning each, in this thread or a worker's
 * stats. The warning is how a worker tells the main thread which blob it could not read, so that an
 * incremental audit never records it as clean.
 */
export function disappeared(oid: string): string {
  return `blob ${oid} disappeared while scanning`;
}

const DISAPPEARED = /^blob ([0-9a-f]{40}|[0-9a-f]{64}) disappeared while scanning$/;

/** The blob ids the warnings say were gone when read. */
export function disappearedIds(warnings: readonly string[]): string[] {
  const ids: string[] = [];
  for (const warning of warnings) {
    const match = DISAPPEARED.exec(warning);
    if (match) ids.push(match[1]!);
  }
  return ids;
}
