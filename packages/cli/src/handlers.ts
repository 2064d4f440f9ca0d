import type { Io } from './io.js';
import type { CommandName } from './options.js';

/** Parsed options: option names as written in the table (kebab-case), plus positionals. */
export type Args = Record<string, unknown> & { _: string[]; paths?: string[] };
export type Handler = (args: Args, io: Io) => Promise<number>;

/** Each command's code is imported only when that command runs. */
export const HANDLERS: Record<CommandName, () => Promise<Handler>> = {
  scan: async () => (await import('./commands/scan.js')).runScan,
  agents: async () => (await import('./commands/agents.js')).runAgents,
  baseline: async () => (await import('./commands/baseline.js')).runBaseline,
  rules: async () => (await import('./commands/rules.js')).runRules,
  verify: async () => (await import('./commands/verify.js')).runVerify,
  fleet: async () => (await import('./commands/fleet.js')).runFleet,
  merge: async () => (await import('./commands/merge.js')).runMerge,
  remediate: async () => (await import('./commands/remediate.js')).runRemediate,
  install: async () => (await import('./commands/install.js')).runInstall,
  uninstall: async () => (await import('./commands/uninstall.js')).runUninstall,
};
