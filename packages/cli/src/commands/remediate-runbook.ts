import { plural, verificationLabel } from '../reporters/shared.js';
import { printable } from '../reporters/shared.js';
import { severityColor, type Colors } from '../reporters/colors.js';
import type { AuditKey } from '../reporters/html/keys.js';
import { keySteps, purgeSteps, ROTATE_FIRST, type Step } from '../reporters/html/steps.js';

const WIDTH = 100;

/**
 * The runbook `keyward remediate` prints: per key what it is (redacted, always), where and when it
 * entered the repository, and its steps; then the history purge. Text wrapped for a terminal; headings
 * bold and severities coloured with `c` (colour codes are added after wrapping, so widths stay right).
 */
export function renderRunbook(
  keys: readonly AuditKey[],
  source: string,
  replacements: string | undefined,
  c: Colors,
): string {
  const live = keys.filter((k) => k.verification?.status === 'live').length;
  const verified = keys.filter((k) => k.verification).length;
  const lines: string[] = [
    c.bold(`keyward remediation runbook for ${printable(source)}: ${plural(keys.length, 'key')}`) +
      (verified > 0
        ? ` (${live} of ${verified} verified live)`
        : ' (not verified: keyward verify --from checks them)'),
    '',
    ...wrap(ROTATE_FIRST, '', '').map((line) => c.yellow(line)),
  ];
  keys.forEach((key, i) => {
    lines.push('', ...keyBlock(key, i + 1, c));
  });
  lines.push('', c.bold('Then purge the history, once every key above is rotated:'));
  lines.push(...stepLines(purgeSteps(replacements), '  ', (n) => `${n}.`));
  return `${lines.join('\n')}\n`;
}

function keyBlock(key: AuditKey, number: number, c: Colors): string[] {
  const verdict = key.verification ? `verified ${verificationLabel(key.verification)}` : 'not verified';
  const severity = severityColor(c, key.severity)(key.severity);
  const head = `${c.bold(`${number}. ${printable(key.rule.title)}`)}  ${printable(key.redacted)}  (${printable(key.rule.id)}, ${severity}, ${printable(verdict)})`;
  const intro = key.introduced;
  const where = intro?.commit
    ? `introduced ${intro.date?.slice(0, 10) ?? ''} in commit ${intro.commit.slice(0, 12)} by ${printable(intro.author ?? 'unknown')} (${printable(intro.path)}:${intro.line})`
    : `found at ${printable(key.occurrences[0]!.path)}:${key.occurrences[0]!.line}`;
  const state = [
    plural(key.occurrences.length, 'occurrence'),
    where,
    key.presentAtHead ? 'still at HEAD' : '',
    key.reachable ? '' : 'only in unreachable objects',
  ].filter(Boolean);
  return [
    head,
    ...wrap(state.join('; '), '   ', '   '),
    ...stepLines(keySteps(key), '   ', (n) => `${String.fromCharCode(96 + n)}.`),
  ];
}

function stepLines(steps: readonly Step[], indent: string, marker: (n: number) => string): string[] {
  return steps.flatMap((step, i) => {
    const first = `${indent}${marker(i + 1)} `;
    return wrap(`${step.title}: ${printable(step.text)}`, first, ' '.repeat(first.length));
  });
}

/** Word-wraps to WIDTH columns: `first` prefixes the first line, `rest` the others. */
function wrap(text: string, first: string, rest: string): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  out.push(line);
  return out;
}
