/** One string value of a parsed configuration and where it sits. */
export interface Leaf {
  /** Keys and array indexes from the root. */
  path: ReadonlyArray<string | number>;
  value: string;
}

/**
 * Every string value in a parsed configuration, depth first, in document order. An object reached twice
 * (a YAML alias shares its anchor's) is walked once, at its first place: nested aliases would otherwise
 * multiply the walk (a "billion laughs" file).
 */
export function* leaves(
  value: unknown,
  path: Array<string | number> = [],
  seen: Set<object> = new Set(),
): Generator<Leaf> {
  if (typeof value === 'string') {
    yield { path: [...path], value };
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* leaves(item, [...path, index], seen);
  } else {
    for (const [key, item] of Object.entries(value)) yield* leaves(item, [...path, key], seen);
  }
}

/** `mcpServers.github.env.GITHUB_TOKEN`, `mcpServers.x.args[2]`, `servers["a.b"].url`. */
export function formatKeyPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
