import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CONTINUE_DIR, PROJECT_CONFIGS, continueFormat, type ConfigFormat, type ToolId } from './catalog.js';

/** A configuration found on disk (absolute path), before it is read. */
export interface Located {
  file: string;
  tool: ToolId;
  format: ConfigFormat;
  scope: 'project' | 'user';
  /** The agent's name, when the tool entry does not give it (a credential store). */
  agent?: string;
  /** A credential store, which must not be readable by other users. */
  credentials?: boolean;
  /** A project config: the project root it was found under. */
  root?: string;
}

/**
 * The project-level agent configurations under a project root: only the places the tools read (a stat
 * each), never a walk of the tree, so the audit costs a few system calls however large the project is.
 * `.continue/` is the one folder read: Continue loads every YAML file in its sub-folders.
 */
export function projectConfigs(root: string): Located[] {
  const found: Located[] = [];
  for (const config of PROJECT_CONFIGS) {
    const file = join(root, config.path);
    if (isFile(file)) found.push({ file, tool: config.tool, format: config.format, scope: 'project', root });
  }
  for (const file of filesUnder(join(root, CONTINUE_DIR), 3)) {
    const format = continueFormat(basename(file));
    if (format) found.push({ file, tool: 'continue', format, scope: 'project', root });
  }
  return found;
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Files under a folder, to a bounded depth (a config folder, never a project or a home). */
export function filesUnder(dir: string, depth: number): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isFile()) out.push(path);
    else if (entry.isDirectory() && depth > 0) out.push(...filesUnder(path, depth - 1));
  }
  return out;
}
