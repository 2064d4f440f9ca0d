import type { ParseError } from 'jsonc-parser/lib/esm/main.js';
import type { ConfigFormat } from './catalog.js';

/** A parsed configuration file, or why it could not be parsed (a line for the warning; never a value). */
export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses one agent configuration with a maintained parser for its format. Each parser is imported only
 * here, when `keyward agents` reads a file of that format: none of them is on the pre-commit path.
 */
export async function parseConfig(text: string, format: ConfigFormat): Promise<Parsed> {
  switch (format) {
    case 'jsonc':
      return parseJsonc(text);
    case 'toml':
      return parseToml(text);
    case 'yaml':
      return parseYaml(text);
    case 'dotenv':
      return parseDotenv(text);
  }
}

async function parseJsonc(text: string): Promise<Parsed> {
  // Most configs are plain JSON: the native parser reads them without loading jsonc-parser (~10 ms cold).
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // comments, trailing commas, or not JSON at all: jsonc-parser says which
  }
  const { parse, printParseErrorCode } = await import(
    // The ES module build: the default (UMD) one requires its parts at run time, which a bundle cannot hold.
    'jsonc-parser/lib/esm/main.js'
  );
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = position(text, first.offset);
    return {
      ok: false,
      reason: `${printParseErrorCode(first.error)} at line ${line}, column ${column}`,
    };
  }
  return { ok: true, value };
}

async function parseToml(text: string): Promise<Parsed> {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return { ok: true, value: parse(text) };
  } catch (error) {
    if (error instanceof TomlError)
      return { ok: false, reason: `${firstLine(error.message)} at line ${error.line}` };
    throw error;
  }
}

/**
 * js-yaml rather than the yaml package the config loader and hook installers use (they need its document
 * model to edit files in place): a third of the code to load, which an audit pays on its first YAML file.
 */
async function parseYaml(text: string): Promise<Parsed> {
  const { loadAll, YAMLException } = await import('js-yaml');
  try {
    // An alias shares its anchor's object; leaves() walks each object once, so aliases cannot multiply work.
    const values = loadAll(text, { maxAliases: 1000 });
    return { ok: true, value: values.length === 1 ? values[0] : values };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const at = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : '';
    return { ok: false, reason: `${error.reason}${at}` };
  }
}

/**
 * dotenv's parser skips what it cannot read; a line that is not blank, a comment or `NAME=value` (outside
 * a quoted multi-line value) makes the file malformed, so it is reported rather than silently skipped.
 */
async function parseDotenv(text: string): Promise<Parsed> {
  const { parse } = await import('dotenv');
  const lines = text.split(/\r?\n/);
  let quote: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (quote) {
      if (line.includes(quote)) quote = undefined;
      continue;
    }
    if (/^\s*(#|$)/.test(line)) continue;
    const assignment = /^\s*(?:export\s+)?[\w.-]+\s*[=:]\s*(["'`]?)/.exec(line);
    if (!assignment) return { ok: false, reason: `line ${index + 1} is not NAME=value` };
    const open = assignment[1];
    if (open && line.indexOf(open, assignment[0].length) === -1) quote = open;
  }
  return { ok: true, value: parse(text) };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/:$/, '');
}

/** 1-based line and column (UTF-16 units) of an offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
