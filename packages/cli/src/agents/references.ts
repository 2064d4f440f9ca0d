/**
 * Reference forms agents resolve at run time (agent-configs.md): `${VAR}`, `${VAR:-d}`, `$VAR`,
 * `${env:X}`, `{env:X}`, `{file:…}`, `${input:id}`, `${user_config.x}`, `${{ secrets.X }}`. A value that
 * is one of them, or whose secret part is, holds no key.
 */
const REFERENCE = [
  /^\$\{\{\s*[\w.-]+\s*\}\}$/, // ${{ secrets.X }}
  /^\$\{[^{}]+\}$/, // ${VAR}, ${VAR:-d}, ${env:X}, ${input:id}, ${user_config.x}
  /^\$[A-Za-z_]\w*$/, // $VAR
  /^\{(?:env|file):[^{}]+\}$/, // {env:X}, {file:path}
];

export function isReference(value: string): boolean {
  const trimmed = value.trim();
  return REFERENCE.some((form) => form.test(trimmed));
}

/** Whether a value holds a reference anywhere (`Bearer ${env:TOKEN}`, `https://x/?key=${KEY}`). */
export function holdsReference(value: string): boolean {
  return /\$\{|\{(?:env|file):|\$[A-Za-z_]\w*/.test(value);
}

/**
 * Fields whose values are the names of variables, never their values: Codex's `*_env_var`, `env_vars`,
 * `env_http_headers` and a provider's `env_key`; goose's `env_keys`.
 */
export function isNameOnlyField(path: ReadonlyArray<string | number>): boolean {
  return path.some(
    (part) =>
      typeof part === 'string' &&
      /(?:^|_)env_var$|^env_vars$|^env_http_headers$|^env_key$|^env_keys$/.test(part),
  );
}
