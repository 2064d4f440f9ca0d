import type { Finding } from '@keyward/core';
import { runGit, type GitContext } from '../git/exec.js';

export interface AtHeadOptions {
  /** Every blob of the object store was scanned (a full audit: no --branch, no shard, none too large). */
  scannedAll: boolean;
  /** See ResolveHints.standsAlone. */
  standsAlone?: (finding: Finding) => boolean;
}

/**
 * Which of the findings' secrets are still in the tree at HEAD. A secret found in a blob of HEAD's tree is
 * there: `git ls-tree` answers that in a few milliseconds for every finding. Where the scan read every
 * blob, a secret that stands alone (its own text is what the rule matches) is there exactly then: had it
 * been in another blob of HEAD's tree, that blob would have given the same finding. The others (a value
 * that needs a secret-like name, a key that needs a nearby keyword) are searched for: `git grep -F` over
 * HEAD with the secrets as patterns on stdin (never in argv, where `ps` would show them). On trufflehog's
 * history (6,474 findings, 6,061 of them at HEAD) asking the tree first took the search from 1.74 s of
 * git's CPU to 0.51 s, and answered 15 findings the search had missed: multi-line keys (never searched)
 * and secrets `grep -o` printed only inside a longer one. None when there is no HEAD.
 */
export async function secretsAtHead(
  context: GitContext,
  findings: readonly Finding[],
  options: AtHeadOptions,
): Promise<Set<string>> {
  const searchable = (secret: string) => secret.length > 0 && !secret.includes('\n');
  const present = new Set<string>();
  if (!findings.some((f) => searchable(f.secret))) return present;
  const head = await headBlobs(context);
  if (head === undefined) return present;
  // In history findings, `path` is the blob id until they are resolved.
  for (const finding of findings) if (head.has(finding.path)) present.add(finding.secret);
  const standsAlone = options.scannedAll ? options.standsAlone : undefined;
  const search = new Set<string>();
  for (const finding of findings) {
    const secret = finding.secret;
    if (searchable(secret) && !present.has(secret) && !standsAlone?.(finding)) search.add(secret);
  }
  if (search.size === 0) return present;
  const result = await runGit(
    ['grep', '-I', '-F', '-o', '-h', '--no-color', '--no-textconv', '-f', '-', 'HEAD', '--'],
    context,
    { allowFail: true, input: `${[...search].join('\n')}\n` },
  );
  for (const line of result.stdout.toString('utf8').split('\n')) if (search.has(line)) present.add(line);
  return present;
}

/** The blob ids of HEAD's whole tree; undefined when there is no HEAD (no commit yet). */
async function headBlobs(context: GitContext): Promise<Set<string> | undefined> {
  const result = await runGit(['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], context, { allowFail: true });
  if (result.code !== 0) return undefined;
  const blobs = new Set<string>();
  // `<mode> <type> <id>\t<path>`, each ended by NUL.
  for (const entry of result.stdout.toString('latin1').split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [, type, oid] = entry.slice(0, tab).split(' ');
    if (type === 'blob' && oid !== undefined) blobs.add(oid);
  }
  return blobs;
}
