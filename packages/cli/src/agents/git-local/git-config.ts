import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The settings of git's configuration the in-process view needs, or why it cannot be read here. */
export interface GitSettings {
  /** core.excludesFile, `~` expanded; git's default when unset. */
  excludesFile: string | undefined;
}

/** Where git itself keeps its system configuration, by platform (the common builds). */
const SYSTEM_CONFIGS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/etc/gitconfig'],
  darwin: [
    '/etc/gitconfig',
    '/opt/homebrew/etc/gitconfig',
    '/usr/local/etc/gitconfig',
    '/Library/Developer/CommandLineTools/usr/share/git-core/gitconfig',
    '/Applications/Xcode.app/Contents/Developer/usr/share/git-core/gitconfig',
  ],
};

/**
 * Reads core.excludesFile from the system, global and repository configuration, as git would, for the
 * plain files most setups have. Anything this reader does not follow (includes, conditional includes,
 * configuration from the environment or the command line, case-insensitive paths, SHA-256 or reftable
 * repositories, per-worktree configuration, quoted or continued values, a platform whose system file is
 * unknown) is `unsupported`: the caller asks git.
 */
export function readGitSettings(
  gitDir: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): GitSettings | { unsupported: string } {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || /^GIT_CONFIG_(NOSYSTEM|GLOBAL|SYSTEM)$/.test(name)) continue;
    if (
      /^GIT_(CONFIG|DIR$|WORK_TREE$|INDEX_FILE$|OBJECT_DIRECTORY$|COMMON_DIR$|CEILING|NAMESPACE)/.test(name)
    )
      return { unsupported: `${name} is set` };
  }
  const home = env.HOME || homedir();
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  // The files git reads, in its order (later wins), with the environment's overrides of the first two.
  let system = env.GIT_CONFIG_SYSTEM ? [env.GIT_CONFIG_SYSTEM] : SYSTEM_CONFIGS[platform];
  if (/^(1|true|yes|on)$/i.test(env.GIT_CONFIG_NOSYSTEM ?? '')) system = [];
  if (!system) return { unsupported: `git's system configuration on ${platform}` };
  const global = env.GIT_CONFIG_GLOBAL
    ? [env.GIT_CONFIG_GLOBAL]
    : [join(xdg, 'git', 'config'), join(home, '.gitconfig')];
  const files = [...system, ...global, join(gitDir, 'config')];
  let excludesFile: string | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // absent: nothing set there
    }
    const read = coreSettings(text);
    if ('unsupported' in read) return { unsupported: `${file}: ${read.unsupported}` };
    if (read.excludesfile !== undefined) excludesFile = read.excludesfile;
  }
  if (excludesFile?.startsWith('~/')) excludesFile = join(home, excludesFile.slice(2));
  return { excludesFile: excludesFile ?? join(xdg, 'git', 'ignore') };
}

/** The `[core]` keys that change what this reader decides, or why the file cannot be followed. */
function coreSettings(text: string): { excludesfile?: string } | { unsupported: string } {
  let section = '';
  let excludesfile: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"[^"]*")?\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      section = header[1]!.toLowerCase();
      if (section === 'include' || section === 'includeif') return { unsupported: 'an include' };
      continue;
    }
    if (line.startsWith('[')) return { unsupported: 'a section header it does not read' };
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!entry) return { unsupported: 'a line it does not read' };
    const key = `${section}.${entry[1]!.toLowerCase()}`;
    const value = (entry[2] ?? 'true').replace(/\s+[#;].*$/, '').trim();
    if (/["\\]/.test(value)) {
      if (key === 'core.excludesfile' || key.startsWith('extensions.'))
        return { unsupported: 'a quoted value' };
      continue;
    }
    if (key === 'core.excludesfile') excludesfile = value;
    else if (key === 'core.ignorecase' && /^(true|yes|on|1)$/i.test(value))
      return { unsupported: 'core.ignoreCase' };
    else if (key === 'extensions.objectformat' && value.toLowerCase() !== 'sha1')
      return { unsupported: 'a SHA-256 repository' };
    else if (key === 'extensions.refstorage' && value.toLowerCase() !== 'files')
      return { unsupported: 'a reftable repository' };
    else if (key === 'extensions.worktreeconfig' && /^(true|yes|on|1)$/i.test(value))
      return { unsupported: 'per-worktree configuration' };
  }
  return excludesfile === undefined ? {} : { excludesfile };
}
