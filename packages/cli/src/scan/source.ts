/** The scan pipeline's view of a source; sources live in @keyward/sources. */
export type { ScanSource, SourceStats, SkipCounts } from '@keyward/sources';
