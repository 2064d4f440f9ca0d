import type { Finding } from '@keyward/core';
import { partialNotice, type Report, type ReporterOptions } from '../report.js';
import { reportedRules } from './rules-meta.js';
import { findingMessage, sortFindings } from './shared.js';

/**
 * JUnit XML for CI test tabs (GitLab `reports: junit`, Jenkins): one `<testsuite>`, one failing
 * `<testcase>` per finding; a clean scan is one passing testcase. A partial history audit (objects
 * missing) adds a failing testcase first that says so. Always redacted.
 */
export function junitReporter(report: Report, options: ReporterOptions): string {
  const findings = sortFindings(report.findings);
  const titles = new Map(reportedRules(findings, options.rules).map((rule) => [rule.id, rule.title]));
  const seconds = (report.scan.durationMs / 1000).toFixed(3);
  const partial = report.partial ? [partialCase(partialNotice(report.partial))] : [];
  const cases =
    findings.length === 0 && partial.length === 0
      ? ['  <testcase classname="keyward" name="no secrets found" time="0"/>']
      : [...partial, ...findings.map((finding) => testcase(finding, titles.get(finding.ruleId)))];
  const failures = findings.length + partial.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="keyward" tests="${Math.max(failures, 1)}" failures="${failures}" errors="0" skipped="0" time="${seconds}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}

function partialCase(notice: string): string {
  return [
    '  <testcase classname="keyward" name="complete history" time="0">',
    `    <failure type="partial-audit" message="${xml(notice)}">${xml(notice)}</failure>`,
    '  </testcase>',
  ].join('\n');
}

function testcase(finding: Finding, title: string | undefined): string {
  const where = `${finding.path}:${finding.line}:${finding.column}`;
  const message = findingMessage(finding, false, title);
  const details = [
    `${where}: ${message}`,
    `rule: ${finding.ruleId} (${finding.severity}, confidence ${finding.confidence})`,
    `fingerprint: ${finding.fingerprint}`,
  ].join('\n');
  return [
    `  <testcase classname="${xml(finding.path)}" name="${xml(`${finding.ruleId} at ${where}`)}" file="${xml(finding.path)}" line="${finding.line}" time="0">`,
    `    <failure type="${xml(finding.ruleId)}" message="${xml(message)}">${xml(details)}</failure>`,
    '  </testcase>',
  ].join('\n');
}

/** Escapes XML text and attribute values, and drops characters XML 1.0 cannot hold at all. */
export function xml(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    else if (ch === '\n') out += '&#10;';
    else if (ch === '\r') out += '&#13;';
    else if (ch === '\t') out += '&#9;';
    else if (code < 0x20 || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff))
      out += '\uFFFD';
    else out += ch;
  }
  return out;
}

export default junitReporter;
