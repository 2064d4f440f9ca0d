import { printable } from '../shared.js';

/**
 * Every string the audit page shows goes through here: control characters become visible escapes (a
 * hostile path or author name cannot hide text), then HTML's special characters become entities, so the
 * text is safe both between tags and inside double- or single-quoted attributes.
 */
export function h(text: string | number): string {
  return printable(String(text)).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Step text: escaped, with `backticked` spans shown as code. */
export function withCode(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${h(part)}</code>` : h(part)))
    .join('');
}
