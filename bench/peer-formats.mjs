#!/usr/bin/env node
/**
 * Recall on the peers' own published test cases for the formats of issue 20 (GitHub, GitLab, Slack, AWS,
 * npm, PyPI, Stripe, LangSmith, Notion, Linear, Sentry, Pinecone, PEM keys…), per rule family. The peer
 * vectors corpus (../shared/eval/peer-vectors) holds AI-provider vectors only, so this reads gitleaks' rule
 * tests and trufflehog's detector tests from local mirrors at run time (`/work/.mirror/<owner>+<name>/repo`,
 * or KEYWARD_PEER_MIRRORS), never copying them into this repository: string literals of each test file
 * are cut into candidate keys with loose shapes, labelled positive or negative by where they sit (gitleaks
 * `tps`/`fps`; trufflehog `valid…`/`invalid…` names), and each is scanned by keyward's whole engine in a
 * neutral line (`token = '<key>'`). A positive counts when keyward reports it (or a key inside it); a
 * negative counts as flagged when keyward reports anything there. Hidden (suppressed by a filter) is shown
 * apart, with the filter. Usage: pnpm build && node bench/peer-formats.mjs [--list]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/paths.mjs';

const { createScanner } = await import(join(REPO_ROOT, 'packages/core/dist/index.js'));
const { RULES } = await import(join(REPO_ROOT, 'packages/rules/dist/index.js'));
const MIRRORS = process.env.KEYWARD_PEER_MIRRORS ?? '/work/.mirror';
const list = process.argv.includes('--list');

const PEERS = [
  {
    name: 'gitleaks',
    repo: 'gitleaks+gitleaks',
    files: (all) => all.filter((f) => f.startsWith('cmd/generate/config/rules/') && f.endsWith('.go')),
    label: (text, at) => {
      const before = text.slice(0, at);
      const tps = before.lastIndexOf('tps');
      const fps = before.lastIndexOf('fps');
      return fps > tps ? 'negative' : 'positive';
    },
  },
  {
    name: 'trufflehog',
    repo: 'trufflesecurity+trufflehog',
    files: (all) =>
      all.filter(
        (f) => f.startsWith('pkg/detectors/') && f.endsWith('_test.go') && !f.includes('integration'),
      ),
    label: (text, at) => {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const line = text.slice(lineStart, text.indexOf('\n', at));
      const assigned = /^\s*(\w+)\s*=/.exec(line)?.[1];
      if (assigned) return /^(?:invalid|fake|bad|wrong)/i.test(assigned) ? 'negative' : 'positive';
      const name = [...text.slice(0, at).matchAll(/name:\s*"([^"]*)"/g)].at(-1)?.[1] ?? '';
      return /invalid|not |no match|false|fail/i.test(name) ? 'negative' : 'positive';
    },
  },
];

/** Loose shapes per family: what a peer's test could mean as a key of that family. */
const SHAPES = {
  'code-hosts': /\b(?:gh[pousr]_[A-Za-z0-9_]{10,}|github_pat_[A-Za-z0-9_]{10,}|glpat-[A-Za-z0-9_.-]{10,})/g,
  'package-registries': /\b(?:npm_[A-Za-z0-9]{10,}|pypi-[A-Za-z0-9_-]{20,})/g,
  chat: /\b(?:(?:xoxe\.)?xox[bp]-[A-Za-z0-9-]{10,}|xoxe-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,})|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,}/g,
  cloud: /\bA[KS]IA[A-Z0-9]{12,}/g,
  payments: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g,
  'agent-tools':
    /\b(?:lsv2_[a-z]{2}_[A-Za-z0-9_]{10,}|tvly-[A-Za-z0-9-]{10,}|e2b_[a-f0-9]{10,}|ntn_[A-Za-z0-9]{10,}|lin_api_[A-Za-z0-9]{10,}|pcsk_[A-Za-z0-9_]{10,})/g,
  observability: /\bsntry[us]_[A-Za-z0-9_=+/]{10,}/g,
  // Only the prefixed AI formats of issue 20 (the others are measured on ../shared/eval/peer-vectors).
  ai: /\b(?:sk_[a-f0-9]{40,}|tgp_v1_[A-Za-z0-9_-]{20,}|fw_[A-Za-z0-9]{16,}|pa-[A-Za-z0-9_-]{30,})/g,
  'private-keys':
    /-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----/g,
};

const scanner = createScanner(RULES);
const familyOf = new Map(RULES.map((r) => [r.id, r.family]));
const rows = new Map();
const details = [];
for (const peer of PEERS) {
  const git = join(MIRRORS, peer.repo, 'repo');
  if (!existsSync(git)) {
    console.log(`${peer.name}: no mirror at ${git} (fetch it first); skipped`);
    continue;
  }
  const commit = execFileSync('git', ['-C', git, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const all = execFileSync('git', ['-C', git, 'ls-tree', '-r', '--name-only', 'HEAD'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).split('\n');
  console.log(`${peer.name} @ ${commit.slice(0, 12)}`);
  const seen = new Set();
  for (const file of peer.files(all)) {
    const text = execFileSync('git', ['-C', git, 'show', `HEAD:${file}`], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    for (const literal of text.matchAll(/"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g)) {
      const body = literal[1] ?? literal[2] ?? '';
      for (const [family, shape] of Object.entries(SHAPES)) {
        for (const m of body.matchAll(shape)) {
          const key = m[0];
          if (/%[sdv]/.test(key) || seen.has(`${peer.name}\0${key}`)) continue;
          seen.add(`${peer.name}\0${key}`);
          const expect = peer.label(text, literal.index);
          const findings = scanner.scanText(`token = '${key}'\n`, 'peer.txt');
          const inside = findings.filter((f) => key.includes(f.secret) || f.secret.includes(key));
          const reported = inside.filter((f) => !f.suppressed && familyOf.get(f.ruleId) !== 'generic');
          const hidden = inside.filter((f) => f.suppressed === 'filter').map((f) => f.filtered?.filter);
          const row = rows.get(`${family}\0${peer.name}`) ?? {
            family,
            peer: peer.name,
            pos: 0,
            found: 0,
            hidden: {},
            neg: 0,
            flagged: 0,
          };
          if (expect === 'positive') {
            row.pos++;
            if (reported.length > 0) row.found++;
            else for (const h of hidden) row.hidden[h] = (row.hidden[h] ?? 0) + 1;
          } else {
            row.neg++;
            if (reported.length > 0) row.flagged++;
          }
          rows.set(`${family}\0${peer.name}`, row);
          const redacted = `${key.slice(0, Math.min(8, key.length - 8))}…${key.length > 20 ? key.slice(-4) : ''}`;
          details.push(
            `${peer.name} ${file} ${family} ${expect} ${redacted}: ${reported.map((f) => `${f.ruleId}/${f.confidence}`).join(',') || (hidden.length ? `hidden (${hidden.join(',')})` : 'not found')}`,
          );
        }
      }
    }
  }
}
console.log('\nfamily               peer        positives found  hidden by a filter      negatives flagged');
for (const r of [...rows.values()].sort(
  (a, b) => a.family.localeCompare(b.family) || a.peer.localeCompare(b.peer),
)) {
  const hidden =
    Object.entries(r.hidden)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || '-';
  console.log(
    `${r.family.padEnd(20)} ${r.peer.padEnd(11)} ${`${r.found}/${r.pos}`.padStart(15)}  ${hidden.padEnd(22)}  ${`${r.flagged}/${r.neg}`.padStart(17)}`,
  );
}
if (list) console.log(`\n${details.join('\n')}`);
