import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { KeywardError } from '../errors.js';
import { isCi, workTreeTop } from '@keyward/sources';
import { findConfigFile, startDir } from './find.js';
import { jsonErrorOffset, lineColumn } from './json-error.js';
import type { ResolvedConfig } from './types.js';
import { validateConfig, type ValidatedConfig } from './validate.js';

export interface LoadConfigOptions {
  /** The process's working folder: relative paths are resolved against it. */
  cwd: string;
  /** The scanned path (the first path argument); defaults to `cwd`. */
  scanRoot?: string;
  /** `--config <file>`: use this file and look for no other. */
  explicitPath?: string;
  /** The environment, for `inlineAllow: "local"` (ignored when CI is set). */
  env?: Record<string, string | undefined>;
}

/**
 * Finds, reads and checks the config for a scan. Without a config file the defaults apply. JSON costs
 * one read and JSON.parse; the YAML parser is imported only when the config is YAML.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  const start = startDir(options.cwd, options.scanRoot);
  const repoRoot = workTreeTop(start);
  const file = options.explicitPath
    ? resolve(options.cwd, options.explicitPath)
    : findConfigFile(start, repoRoot);
  const validated = file
    ? validateConfig(await parseConfigFile(file), file)
    : validateConfig({}, '(defaults)');
  return resolveConfig(validated, {
    ...(file ? { file } : {}),
    baseDir: file ? dirname(file) : (repoRoot ?? start),
    ...(repoRoot ? { repoRoot } : {}),
    env: options.env ?? {},
  });
}

/** Reads a config file as JSON or YAML, by its extension (`.json`; anything else is YAML, a superset). */
export async function parseConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new KeywardError('E_CONFIG_READ', { file, reason });
  }
  if (extname(file).toLowerCase() === '.json') return parseJson(text, file);
  return parseYaml(text, file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Never echo the file's text: V8 quotes a snippet of it, and a config can sit next to a secret.
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? ` at ${lineColumn(text, offset)}` : '';
    throw new KeywardError('E_CONFIG_PARSE', { file, format: 'JSON', reason: `syntax error${where}` });
  }
}

async function parseYaml(text: string, file: string): Promise<unknown> {
  // Imported here, so only a repository with a YAML config loads it (its own bundle chunk, code-cached).
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const where = ` at ${lineColumn(text, error.pos[0])}`;
    throw new KeywardError('E_CONFIG_PARSE', {
      file,
      format: 'YAML',
      reason: `${yamlReason(error.code)}${where}`,
    });
  }
  // An empty file is an empty config.
  return doc.toJS({ maxAliasCount: 100 }) ?? {};
}

function yamlReason(code: string): string {
  return code.toLowerCase().replace(/_/g, ' ');
}

function resolveConfig(
  validated: ValidatedConfig,
  where: { file?: string; baseDir: string; repoRoot?: string; env: Record<string, string | undefined> },
): ResolvedConfig {
  const { env: _env, ...location } = where;
  return {
    ...validated,
    ...location,
    inlineAllow: validated.inlineAllow === 'local' ? !isCi(where.env) : validated.inlineAllow,
  };
}
