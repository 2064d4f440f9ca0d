import type { Finding } from '@keyward/core';
import { colors, severityColor } from '../reporters/colors.js';
import { printable, sortFindings, verificationLabel } from '../reporters/shared.js';
import type { Report, ReporterOptions } from '../report.js';

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/**
 * `keyward agents` as text: one entry per finding, worst first. The first line is the scan's (severity,
 * rule, redacted secret, place); below it the agent, the key path, the scope and git's view, why the
 * verdict, and the fix for that tool.
 */
export function agentsTextReporter(
  report: Report,
  options: Pick<ReporterOptions, 'color' | 'reveal'>,
): string {
  if (report.findings.length === 0) return '';
  const c = colors(options.color);
  const sorted = sortFindings(report.findings).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const lines: string[] = [];
  for (const f of sorted) {
    const secret = printable(options.reveal ? f.secret : f.redacted);
    const verified = f.verification ? c.dim(` · ${verificationLabel(f.verification)}`) : '';
    lines.push(
      `${severityColor(c, f.severity)(f.severity)}  ${printable(f.ruleId)}  ${secret}  ${printable(f.path)}:${f.line}:${f.column}${verified}`,
    );
    lines.push(`  ${c.dim('agent')}  ${where(f)}`);
    if (f.why) lines.push(`  ${c.dim('why  ')}  ${f.why}`);
    if (f.fix) lines.push(`  ${c.dim('fix  ')}  ${printable(f.fix)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `Claude Code · mcpServers.github.env.GITHUB_TOKEN · project, tracked`. */
function where(f: Finding): string {
  const scope = f.scope === 'project' && f.git && f.git !== 'none' ? `project, ${f.git}` : (f.scope ?? '');
  const key =
    f.keyPath !== undefined
      ? printable(f.keyPath)
      : f.ruleId === 'agent-credentials-mode'
        ? '(file mode)'
        : '(file not parsed)';
  return [f.agent, key, scope].filter(Boolean).join(' · ');
}
