/**
 * The safe form of a secret: the family prefix and the last 4 characters, never more (DESIGN §3).
 * Short secrets lose the tail too, so that the shown part never approaches the hidden part.
 */
export function redact(secret: string, prefixLength = 0): string {
  const prefix = secret.slice(0, Math.min(prefixLength, secret.length));
  const rest = secret.length - prefix.length;
  const tail = rest >= 16 ? secret.slice(-4) : '';
  return `${prefix}…${tail}`;
}

/** Replaces every occurrence of each secret in `text` by its redacted form (for error and log lines). */
export function redactIn(text: string, secrets: Iterable<{ secret: string; redacted: string }>): string {
  let out = text;
  for (const { secret, redacted } of secrets) if (secret) out = out.split(secret).join(redacted);
  return out;
}
