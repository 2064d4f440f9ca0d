/**
 * The agent configurations keyward knows, as data (../shared/research/agent-configs.md): where each tool
 * keeps its settings, in which format, and how that tool lets a key stay out of the file.
 */

export type ConfigFormat = 'jsonc' | 'toml' | 'yaml' | 'dotenv';

export interface AgentTool {
  /** The name shown in reports. */
  name: string;
  /** How to keep the key out of the file with this tool; one sentence. */
  fix: string;
}

const KEYCHAIN =
  'this tool cannot reference variables: keep the key in your OS keychain or a secrets broker, and out of this file';

export const TOOLS = {
  claudeMcp: {
    name: 'Claude Code',
    fix: 'write ${NAME} (or ${NAME:-default}) in .mcp.json and set NAME in your environment',
  },
  claudeSettings: {
    name: 'Claude Code',
    fix: `settings "env" values are literal; ${KEYCHAIN} (an apiKeyHelper in your user settings can read it)`,
  },
  cursor: { name: 'Cursor', fix: 'reference it as ${env:NAME} (or load it with "envFile")' },
  vscode: {
    name: 'VS Code',
    fix: 'add an "inputs" entry {"type": "promptString", "id": "…", "password": true} and reference it as ${input:id}',
  },
  gemini: {
    name: 'Gemini CLI',
    fix: 'reference it as $NAME or ${NAME} in settings, and keep .env files out of git (list them in .gitignore)',
  },
  roo: { name: 'Roo Code', fix: 'reference it as ${env:NAME}' },
  kiro: { name: 'Kiro', fix: 'reference it as ${NAME} and set NAME in your environment' },
  amp: { name: 'Amp', fix: KEYCHAIN },
  opencode: {
    name: 'opencode',
    fix: 'reference it as {env:NAME} or {file:path} (a file outside the repository)',
  },
  zed: { name: 'Zed', fix: KEYCHAIN },
  langgraph: {
    name: 'LangGraph',
    fix: 'point "env" at an untracked .env file (listed in .gitignore) instead of writing values here',
  },
  codex: {
    name: 'Codex CLI',
    fix: 'name the variable instead: bearer_token_env_var, env_vars, env_http_headers or a provider\'s env_key (or cli_auth_credentials_store = "keyring")',
  },
  aider: {
    name: 'aider',
    fix: 'remove it from .aider.conf.yml and set <PROVIDER>_API_KEY in your environment or an untracked .env',
  },
  continue: {
    name: 'Continue',
    fix: 'reference it as ${{ secrets.NAME }} and keep NAME in ~/.continue/.env',
  },
  dotenv: {
    name: 'Gemini CLI, aider, Continue, LangGraph (.env)',
    fix: 'keep .env untracked (list it in .gitignore); agents read it, so prefer your OS keychain or a broker for admin keys',
  },
} as const satisfies Record<string, AgentTool>;

export type ToolId = keyof typeof TOOLS;

/** A project-level configuration file, at a path relative to the project root. */
export interface ProjectConfig {
  path: string;
  tool: ToolId;
  format: ConfigFormat;
}

/** Project-level configs, each at a fixed place under the project root. */
export const PROJECT_CONFIGS: readonly ProjectConfig[] = [
  { path: '.mcp.json', tool: 'claudeMcp', format: 'jsonc' },
  { path: '.claude/settings.json', tool: 'claudeSettings', format: 'jsonc' },
  { path: '.claude/settings.local.json', tool: 'claudeSettings', format: 'jsonc' },
  { path: '.cursor/mcp.json', tool: 'cursor', format: 'jsonc' },
  { path: '.vscode/mcp.json', tool: 'vscode', format: 'jsonc' },
  { path: '.gemini/settings.json', tool: 'gemini', format: 'jsonc' },
  { path: '.roo/mcp.json', tool: 'roo', format: 'jsonc' },
  { path: '.kiro/settings/mcp.json', tool: 'kiro', format: 'jsonc' },
  { path: '.amp/settings.json', tool: 'amp', format: 'jsonc' },
  { path: 'opencode.json', tool: 'opencode', format: 'jsonc' },
  { path: 'opencode.jsonc', tool: 'opencode', format: 'jsonc' },
  { path: '.zed/settings.json', tool: 'zed', format: 'jsonc' },
  { path: 'langgraph.json', tool: 'langgraph', format: 'jsonc' },
  { path: '.codex/config.toml', tool: 'codex', format: 'toml' },
  { path: '.aider.conf.yml', tool: 'aider', format: 'yaml' },
  { path: '.gemini/.env', tool: 'gemini', format: 'dotenv' },
  { path: '.env', tool: 'dotenv', format: 'dotenv' },
];

/**
 * Continue loads every file in its project folder's sub-folders (`.continue/models/*.yaml`, …): the
 * format of each file found there, by name; anything else there is not read.
 */
export const CONTINUE_DIR = '.continue';
export function continueFormat(name: string): ConfigFormat | undefined {
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (/\.json$/.test(name)) return 'jsonc';
  if (name === '.env') return 'dotenv';
  return undefined;
}

/** Admin keys: never within an agent's reach, wherever they sit. */
export const ADMIN_RULES: ReadonlySet<string> = new Set(['openai-admin-key', 'anthropic-admin-key']);

/** OpenAI user keys (legacy `sk-`, `sk-None-`): not bound to a project. */
export const USER_KEY_RULES: ReadonlySet<string> = new Set(['openai-legacy-key', 'openai-user-key']);
