import { DEFAULT_REMEDIATION } from '../rules-meta.js';
import type { AuditKey } from './keys.js';

/**
 * What to do about each leaked key and then about the history, shared by the HTML audit and
 * `keyward remediate`. Text only, with `backticks` around commands (the HTML turns them into code).
 * Order matters: rotate first. A rewrite does not un-leak a key that was pushed: clones, forks, CI caches
 * and the host's cached views keep it, so the key itself must stop working before anything else.
 */

export interface Step {
  title: string;
  text: string;
}

export const ROTATE_FIRST =
  'Rotate first: revoke and replace every key before you rewrite the history. A rewrite does not un-leak a ' +
  'key that was pushed; clones, forks, CI caches and the host keep copies.';

export function keySteps(key: AuditKey): Step[] {
  const steps: Step[] = [];
  const status = key.verification?.status;
  const verdict =
    status === 'live'
      ? ' It was verified live: do this now.'
      : status === 'invalid'
        ? ' It was verified invalid, so it may already be revoked: confirm that in the console.'
        : '';
  steps.push({ title: 'Revoke', text: `${key.rule.remediation ?? DEFAULT_REMEDIATION}${verdict}` });

  const paths = [...new Set(key.occurrences.map((f) => f.path))];
  const shown = paths.slice(0, 3).map((p) => `\`${p}\``);
  const more = paths.length > shown.length ? ` and ${paths.length - shown.length} more` : '';
  const atHead = key.presentAtHead
    ? ' It is still in the code at HEAD: replace it there with a read from the environment or a secret manager, in an ordinary commit, before the rewrite.'
    : '';
  steps.push({
    title: 'Rotate where it is used',
    text:
      `Issue a replacement and update every place that used this key (deployments, CI secrets, the secret ` +
      `manager, local .env files); the repository had it in ${shown.join(', ')}${more}.${atHead}`,
  });

  const since = key.introduced?.date
    ? `from ${key.introduced.date.slice(0, 10)} (commit \`${key.introduced.commit!.slice(0, 12)}\`)`
    : 'since it was first committed';
  const unreachable = key.reachable
    ? ''
    : ' It is only in objects no branch or tag reaches, which the host may still serve by commit id.';
  steps.push({
    title: 'Check usage for the exposure window',
    text: `Review the provider's usage and audit logs ${since} until the revocation for use you do not recognise.${unreachable}`,
  });
  steps.push({
    title: 'Purge it from the history',
    text: 'Once every key in this report is rotated, rewrite the history as the purge steps below say: every commit then holds `***REMOVED***` where this key was.',
  });
  return steps;
}

/** The history rewrite, after every key is rotated. `file` is the replacements file, if written. */
export function purgeSteps(file = '<replacements file>'): Step[] {
  return [
    {
      title: 'Fresh mirror clone',
      text: 'Work in a new mirror clone, not your working copy: `git clone --mirror <url> purge.git && cd purge.git`. Merge or close open pull requests first: the rewrite changes every commit id after the first key.',
    },
    {
      title: 'Rewrite',
      text: `\`git filter-repo --replace-text ${file}\` replaces each key with \`***REMOVED***\` in every commit (it drops the \`origin\` remote so that nothing is pushed by accident).`,
    },
    {
      title: 'Verify',
      text: '`keyward scan --history` in the rewritten clone must no longer report these keys.',
    },
    {
      title: 'Force-push every ref',
      text: '`git remote add origin <url>`, then `git push --force --all origin` and `git push --force --tags origin`. The host refuses updates to its read-only refs (pull-request refs): expected.',
    },
    {
      title: 'Ask the host to purge',
      text: "Cached views, pull-request refs, forks and unreachable commits still serve the old content by commit id: ask the host to purge them (GitHub Support's sensitive-data removal, GitLab's repository cleanup and housekeeping).",
    },
    {
      title: 'Everyone re-clones',
      text: `Every collaborator deletes old clones and clones again (a merge from an old clone brings the keys back). Then delete ${file === '<replacements file>' ? 'the replacements file' : `\`${file}\``}: it holds the keys.`,
    },
  ];
}
