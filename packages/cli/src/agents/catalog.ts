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
  claudeUser: {
    name: 'Claude Code',
    fix: 'write ${NAME} in the server entry (claude mcp add keeps it as written) and set NAME in your environment',
  },
  claudeDesktop: {
    name: 'Claude Desktop',
    fix: 'install the server as a Desktop Extension whose user_config marks the key "sensitive": true (kept in the OS keychain)',
  },
  windsurf: { name: 'Windsurf', fix: 'reference it as ${env:NAME}' },
  cline: { name: 'Cline', fix: KEYCHAIN },
  goose: {
    name: 'goose',
    fix: "list the variable in the extension's env_keys (goose keeps the value in the OS keyring), not in envs",
  },
  credentials: {
    name: 'credential store',
    fix: "this is the tool's own credential store: keep it mode 0600 and out of dotfiles repositories, images and backups; use keyring storage where the tool offers it",
  },
  dotenv: {
    name: 'Gemini CLI, aider, Continue, LangGraph',
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

/** The folders user-level configs live in, taken from the environment (tests point them at a fixture). */
export type UserBase = 'home' | 'config' | 'appSupport' | 'appData' | 'codexHome' | 'data';

/** A user-level configuration: a known path under one of the user's folders, never a walk. */
export interface UserConfig {
  base: UserBase;
  path: string;
  tool: ToolId;
  format: ConfigFormat;
  /** Shown as this agent (a credential store names the tool it belongs to). */
  agent?: string;
  /** A credential store: it must not be readable by other users (mode 0600). */
  credentials?: boolean;
}

/** VS Code's user folder holds its MCP file, its settings and the extensions' global storage. */
const CODE_USER: ReadonlyArray<Omit<UserConfig, 'base'>> = [
  { path: 'Code/User/mcp.json', tool: 'vscode', format: 'jsonc' },
  { path: 'Code/User/settings.json', tool: 'vscode', format: 'jsonc' },
  {
    path: 'Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    tool: 'cline',
    format: 'jsonc',
  },
  {
    path: 'Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
    tool: 'roo',
    format: 'jsonc',
  },
];

export const USER_CONFIGS: readonly UserConfig[] = [
  { base: 'home', path: '.claude.json', tool: 'claudeUser', format: 'jsonc' },
  { base: 'home', path: '.claude/settings.json', tool: 'claudeSettings', format: 'jsonc' },
  {
    base: 'home',
    path: '.claude/.credentials.json',
    tool: 'credentials',
    format: 'jsonc',
    agent: 'Claude Code',
    credentials: true,
  },
  { base: 'home', path: '.cursor/mcp.json', tool: 'cursor', format: 'jsonc' },
  { base: 'home', path: '.codeium/windsurf/mcp_config.json', tool: 'windsurf', format: 'jsonc' },
  { base: 'home', path: '.continue/config.yaml', tool: 'continue', format: 'yaml' },
  { base: 'home', path: '.continue/config.json', tool: 'continue', format: 'jsonc' },
  { base: 'home', path: '.continue/.env', tool: 'continue', format: 'dotenv' },
  { base: 'codexHome', path: 'config.toml', tool: 'codex', format: 'toml' },
  {
    base: 'codexHome',
    path: 'auth.json',
    tool: 'credentials',
    format: 'jsonc',
    agent: 'Codex CLI',
    credentials: true,
  },
  { base: 'home', path: '.gemini/settings.json', tool: 'gemini', format: 'jsonc' },
  { base: 'home', path: '.gemini/.env', tool: 'gemini', format: 'dotenv' },
  {
    base: 'home',
    path: '.gemini/mcp-oauth-tokens.json',
    tool: 'credentials',
    format: 'jsonc',
    agent: 'Gemini CLI',
    credentials: true,
  },
  { base: 'home', path: '.kiro/settings/mcp.json', tool: 'kiro', format: 'jsonc' },
  { base: 'home', path: '.copilot/mcp-config.json', tool: 'vscode', format: 'jsonc' },
  { base: 'home', path: '.aider.conf.yml', tool: 'aider', format: 'yaml' },
  { base: 'home', path: '.env', tool: 'dotenv', format: 'dotenv' },
  {
    base: 'data',
    path: 'opencode/auth.json',
    tool: 'credentials',
    format: 'jsonc',
    agent: 'opencode',
    credentials: true,
  },
  { base: 'config', path: 'zed/settings.json', tool: 'zed', format: 'jsonc' },
  { base: 'config', path: 'goose/config.yaml', tool: 'goose', format: 'yaml' },
  {
    base: 'config',
    path: 'goose/secrets.yaml',
    tool: 'credentials',
    format: 'yaml',
    agent: 'goose',
    credentials: true,
  },
  { base: 'config', path: 'amp/settings.json', tool: 'amp', format: 'jsonc' },
  { base: 'config', path: 'opencode/opencode.json', tool: 'opencode', format: 'jsonc' },
  { base: 'config', path: 'opencode/opencode.jsonc', tool: 'opencode', format: 'jsonc' },
  ...CODE_USER.map((c) => ({ ...c, base: 'config' as const })),
  { base: 'appSupport', path: 'Claude/claude_desktop_config.json', tool: 'claudeDesktop', format: 'jsonc' },
  ...CODE_USER.map((c) => ({ ...c, base: 'appSupport' as const })),
  { base: 'appData', path: 'Claude/claude_desktop_config.json', tool: 'claudeDesktop', format: 'jsonc' },
  ...CODE_USER.map((c) => ({ ...c, base: 'appData' as const })),
];
