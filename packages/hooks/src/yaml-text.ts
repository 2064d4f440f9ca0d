import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { problem, type Problem } from './types.js';

/**
 * YAML is only *read* here, to find where things are; every change is a textual insertion at an offset the
 * parse gives, so the user's formatting and comments stay exactly as they were.
 */
export function parseYaml(text: string, display: string): Document | Problem {
  const doc = parseDocument(text, { uniqueKeys: false, keepSourceTokens: false });
  const error = doc.errors[0];
  if (error)
    return problem('config-parse', {
      path: display,
      format: 'YAML',
      reason: error.message.split('\n')[0] ?? '',
    });
  return doc;
}

/** The pair for `key` in a mapping node, if the node is a mapping that has it. */
export function pairOf(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return (node as YAMLMap).items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
}

/** Start offset of a node (its first character; for a block sequence, the first item's dash). */
export function startOf(node: unknown): number | undefined {
  if (isMap(node) || isSeq(node) || isScalar(node)) return node.range?.[0];
  return undefined;
}

/** The keys of a mapping node, as strings. */
export function keysOf(node: unknown): string[] {
  if (!isMap(node)) return [];
  return node.items.flatMap((item) => (isScalar(item.key) ? [String(item.key.value)] : []));
}

/** The indentation unit the file uses for nesting (the smallest positive indent seen), 2 by default. */
export function indentUnit(text: string): string {
  let smallest = Infinity;
  let tab = false;
  for (const line of text.split('\n')) {
    const match = /^([ \t]+)\S/.exec(line);
    if (!match?.[1]) continue;
    if (match[1].startsWith('\t')) tab = true;
    else if (!line.trimStart().startsWith('#')) smallest = Math.min(smallest, match[1].length);
  }
  if (Number.isFinite(smallest)) return ' '.repeat(smallest);
  return tab ? '\t' : '  ';
}
