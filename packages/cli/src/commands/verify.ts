import { resolve } from 'node:path';
import type { Verification, VerificationStatus } from '@keyward/core';
import { verificationExitCode, verifyAll } from '@keyward/verifier';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';
import { colors, type Colors } from '../reporters/colors.js';
import { writeOutputFile } from '../reporters/emit.js';
import { useColor } from '../scan/color.js';
import { VERSION } from '../version.js';
import { verificationOptionsFromArgs } from './verify-args.js';
import { readReportKeys, readStdinKeys, type VerifyEntry } from './verify-input.js';

const NOT_IN_REPORT: Verification = {
  status: 'unknown',
  reason: 'unsupported',
  detail: 'the report does not hold this secret (write it with --reveal)',
};
const UNRECOGNISED: Verification = {
  status: 'unknown',
  reason: 'unsupported',
  detail: 'not a key shape keyward recognises',
};

/**
 * `keyward verify`: checks keys read from stdin (one a line) or from a JSON report (`--from`), never from
 * argv. Prints one redacted line per key, or the §3 report with `verification` filled in. Exit (DESIGN §2):
 * 1 when any key is live, 3 when none is but some are undecided, 0 when all are invalid, 2 on error.
 */
export async function runVerify(args: Args, io: Io): Promise<number> {
  const onArgv = [...(args.paths ?? []), ...(Array.isArray(args.keys) ? args.keys : [])];
  if (onArgv.length > 0) throw new KeywardError('E_VERIFY_ARGV');
  const options = verificationOptionsFromArgs(args, io);
  const started = performance.now();
  const input =
    typeof args.from === 'string' ? readReportKeys(args.from, io) : await readStdinKeys(io, VERSION);

  const checkable = input.entries.filter((entry) => entry.secret !== undefined && !entry.unrecognised);
  const verdicts = await verifyAll(
    checkable.map((entry) => ({ ruleId: entry.ruleId, secret: entry.secret!, redacted: entry.redacted })),
    options,
  );
  const verdictOf = (entry: VerifyEntry): Verification =>
    entry.secret === undefined
      ? NOT_IN_REPORT
      : entry.unrecognised
        ? UNRECOGNISED
        : verdicts.get(entry.secret)!;

  const keys = distinctKeys(input.entries);
  const exit = verificationExitCode(keys.map((k) => verdictOf(k.entry).status));
  const keep = (status: VerificationStatus) => !options.results || options.results.includes(status);
  const reveal = args.reveal === true;

  let text: string;
  if (args.format === 'json') {
    const report = input.report;
    report.findings = input.entries
      .filter((entry) => keep(verdictOf(entry).status))
      .map((entry) => withVerification(entry, verdictOf(entry), reveal));
    if (isRecord(report.scan) && report.scan.mode === 'stdin')
      report.scan.durationMs = Math.round(performance.now() - started);
    text = `${JSON.stringify(report, null, 2)}\n`;
  } else {
    const c = colors(!args.output && useColor(args, io).stdout);
    text = keys
      .filter((key) => keep(verdictOf(key.entry).status))
      .map((key) => textLine(key, verdictOf(key.entry), reveal, c))
      .join('');
  }
  if (typeof args.output === 'string') writeOutputFile(resolve(io.cwd, args.output), text, reveal);
  else io.stdout.write(text);

  if (args.quiet !== true)
    io.stderr.write(
      summary(
        keys.map((k) => verdictOf(k.entry).status),
        started,
      ),
    );
  return exit;
}

interface DistinctKey {
  entry: VerifyEntry;
  /** Other places the same key was found. */
  more: number;
}

/** One line per key: a key found in several places is checked, and printed, once. */
function distinctKeys(entries: readonly VerifyEntry[]): DistinctKey[] {
  const bySecret = new Map<string, DistinctKey>();
  const out: DistinctKey[] = [];
  for (const entry of entries) {
    const id = entry.secret ?? `fingerprint:${String(entry.finding.fingerprint ?? out.length)}`;
    const seen = bySecret.get(id);
    if (seen) {
      seen.more++;
      continue;
    }
    const key = { entry, more: 0 };
    bySecret.set(id, key);
    out.push(key);
  }
  return out;
}

function withVerification(
  entry: VerifyEntry,
  verification: Verification,
  reveal: boolean,
): Record<string, unknown> {
  const { secret: _secret, verification: _old, ...rest } = entry.finding;
  const out: Record<string, unknown> = { ...rest, redacted: entry.redacted };
  if (reveal && entry.secret !== undefined) out.secret = entry.secret;
  out.verification = verification;
  return out;
}

function textLine(key: DistinctKey, verification: Verification, reveal: boolean, c: Colors): string {
  const { entry } = key;
  const paint =
    verification.status === 'live'
      ? (s: string) => c.bold(c.red(s))
      : verification.status === 'unknown'
        ? c.yellow
        : c.green;
  const shown = reveal && entry.secret !== undefined ? entry.secret : entry.redacted;
  const where = key.more > 0 ? `${entry.where} (+${key.more})` : entry.where;
  const reach = verification.reach ? `; reach: ${describeReach(verification.reach)}` : '';
  return `${paint(verification.status.padEnd(7))} ${shown}  ${entry.ruleId}  ${where}  ${verification.reason}: ${verification.detail}${reach}\n`;
}

/** `models, files reachable; batches denied; inference unknown`. */
function describeReach(reach: NonNullable<Verification['reach']>): string {
  const groups: string[] = [];
  for (const state of ['reachable', 'denied', 'unknown'] as const) {
    const areas = Object.keys(reach).filter((area) => reach[area] === state);
    if (areas.length > 0) groups.push(`${areas.join(', ')} ${state}`);
  }
  return groups.join('; ');
}

function summary(statuses: VerificationStatus[], started: number): string {
  const count = (status: VerificationStatus) => statuses.filter((s) => s === status).length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const keys = statuses.length === 1 ? 'key' : 'keys';
  return `keyward: ${statuses.length} ${keys} checked: ${count('live')} live, ${count('unknown')} unknown, ${count('invalid')} invalid (${seconds} s)\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
