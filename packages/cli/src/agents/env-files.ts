import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ToolId } from './catalog.js';

/**
 * The env files a parsed configuration makes its agent load, as paths to read: LangGraph's `"env":
 * "./.env"` (relative to langgraph.json), and the `envFile` of a Cursor or VS Code MCP server
 * (`${workspaceFolder}` is the project root). A path made of other variables cannot be resolved here and
 * is left out; so is a path outside the project root (a project audit never reads beyond its root).
 */
export function envFilesOf(tool: ToolId, value: unknown, configFile: string, root: string): string[] {
  const raw: unknown[] = [];
  if (tool === 'langgraph' && isRecord(value)) raw.push(value.env);
  if ((tool === 'cursor' || tool === 'vscode') && isRecord(value)) {
    const servers = tool === 'cursor' ? value.mcpServers : value.servers;
    if (isRecord(servers))
      for (const server of Object.values(servers)) if (isRecord(server)) raw.push(server.envFile);
  }
  const files: string[] = [];
  for (const path of raw) {
    if (typeof path !== 'string' || path === '') continue;
    const expanded = path.replace(/\$\{workspaceFolder\}/g, root);
    if (expanded.includes('${')) continue;
    const file = isAbsolute(expanded) ? expanded : resolve(dirname(configFile), expanded);
    const rel = relative(root, file);
    const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    if (inside && !files.includes(file)) files.push(file);
  }
  return files;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
