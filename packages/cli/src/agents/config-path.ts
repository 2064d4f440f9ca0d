import { CONTINUE_DIR, PROJECT_CONFIGS, TOOLS, continueFormat, type AgentTool } from './catalog.js';

/**
 * The agent that reads a file, from its path alone (no parser, no read): for `scan --staged` to say,
 * when it refuses a commit, that the file is an agent configuration and which agent reads it. A project
 * config counts wherever it sits in the repository (a monorepo's packages each have their own).
 */
export function agentConfigAt(path: string): AgentTool | undefined {
  const normal = `/${path.replace(/\\/g, '/')}`;
  for (const config of PROJECT_CONFIGS) {
    if (normal.endsWith(`/${config.path}`)) return TOOLS[config.tool];
  }
  const inContinue = normal.lastIndexOf(`/${CONTINUE_DIR}/`);
  if (inContinue !== -1 && continueFormat(normal.slice(normal.lastIndexOf('/') + 1))) return TOOLS.continue;
  return undefined;
}
