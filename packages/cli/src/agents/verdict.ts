import type { Severity } from '@keyward/core';
import { ADMIN_RULES, USER_KEY_RULES, type AgentTool } from './catalog.js';
import type { GitState } from './git-state.js';
import { BASE_URL_RULE, KEY_HELPER_RULE, MODE_RULE } from './agent-rules.js';
import type { Hit } from './inspect.js';

/** Where a file sits, as far as the verdict is concerned. */
export interface Place {
  /** The file as reports show it. */
  path: string;
  /** Its path from the top of the git work tree, for a `.gitignore` line (else `path`). */
  repoPath?: string;
  scope: 'project' | 'user';
  git: GitState;
  tool: AgentTool;
}

export interface Verdict {
  severity: Severity;
  why: string;
  fix: string;
}

const ROTATE = 'rotate the key (it stays in the history)';

/**
 * The verdict from the key's family and its place (issue 17): `critical` for an admin key within any
 * agent's reach and for a literal key in a project-level config git tracks or would commit; `high` for a
 * literal key elsewhere (a user-level file, an ignored project file), for a legacy user key anywhere, for
 * a project setting that can send a key elsewhere. The fix names the tool's own reference form.
 */
export function verdictFor(hit: Hit, place: Place): Verdict {
  if (hit.ruleId === BASE_URL_RULE) {
    return {
      severity: 'high',
      why: `a project setting points the provider's base URL at another host, which receives your key (CVE-2026-21852)`,
      fix: 'remove it from the project settings; set a base URL only in your own user settings or environment',
    };
  }
  if (hit.ruleId === KEY_HELPER_RULE) {
    return {
      severity: 'high',
      why: 'a project setting runs a command to produce your key, which can send it anywhere',
      fix: 'remove apiKeyHelper from the project settings; keep it in your user settings (~/.claude/settings.json)',
    };
  }
  if (hit.ruleId === MODE_RULE) {
    return {
      severity: 'high',
      why: `a credential store other users on this machine can read (${hit.redacted})`,
      fix: `chmod 600 ${place.path}`,
    };
  }
  const fixes: string[] = [];
  const why: string[] = [];
  let severity: Severity = 'high';
  const committed = place.git === 'tracked' || place.git === 'staged';
  if (place.scope === 'project' && (committed || place.git === 'untracked')) {
    severity = 'critical';
    why.push(
      place.git === 'tracked'
        ? 'committed: git tracks this project config'
        : place.git === 'staged'
          ? 'staged: the next commit holds this project config'
          : 'git would commit this project config (it is not ignored)',
    );
  } else if (place.scope === 'project') {
    why.push(
      place.git === 'ignored'
        ? 'in a project config git ignores, read by every agent working in the project'
        : 'in a project config, read by every agent working in the project',
    );
  } else {
    why.push('in a user-level file: every agent and extension on this machine can read it');
  }
  if (ADMIN_RULES.has(hit.ruleId)) {
    severity = 'critical';
    why.unshift("an admin key must never be in an agent's environment (it can mint keys and invite users)");
    fixes.push('revoke it and give the agent a project key with only the permissions it needs');
  }
  if (USER_KEY_RULES.has(hit.ruleId)) {
    why.push('a user key is not bound to a project');
    fixes.push('rotate to a project key');
  }
  if (committed) fixes.unshift(`git rm --cached ${place.path} and commit`, ROTATE);
  else if (place.git === 'untracked')
    fixes.unshift(`add ${place.repoPath ?? place.path} to .gitignore or keep the key out of it`);
  fixes.push(place.tool.fix);
  return { severity, why: why.join('; '), fix: fixes.join('; ') };
}
