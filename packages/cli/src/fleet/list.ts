import { resolve } from 'node:path';
import { KeywardError } from '../errors.js';

/** One repository of a fleet list: a clone URL to mirror, or a local path audited in place. */
export type FleetEntry =
  | { kind: 'url'; line: number; url: string; name: string }
  | { kind: 'path'; line: number; path: string; name: string };

/** Schemes git clones from; anything else in `scheme://` form is a mistake in the list. */
const SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'file']);

/**
 * Reads a fleet list: one repository a line (a clone URL, `user@host:path`, or a local path relative to
 * `cwd`); blank lines and lines starting with `#` are skipped. A line that is neither, or a repository named
 * twice, fails with E_FLEET_LIST naming the line.
 */
export function parseFleetList(text: string, source: string, cwd: string): FleetEntry[] {
  const entries: FleetEntry[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const value = raw.trim();
    if (value === '' || value.startsWith('#')) continue;
    const entry = parseLine(value, line, cwd, (reason) => {
      throw new KeywardError('E_FLEET_LIST', { where: `${source} line ${line}`, reason });
    });
    const key = entry.kind === 'url' ? entry.name : entry.path;
    const first = seen.get(key);
    if (first !== undefined)
      throw new KeywardError('E_FLEET_LIST', {
        where: `${source} line ${line}`,
        reason: `names the same repository as line ${first}`,
      });
    seen.set(key, line);
    entries.push(entry);
  }
  if (entries.length === 0)
    throw new KeywardError('E_FLEET_LIST', { where: source, reason: 'no repositories listed' });
  return entries;
}

function parseLine(value: string, line: number, cwd: string, bad: (reason: string) => never): FleetEntry {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) bad('holds a control character');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!SCHEMES.has(scheme)) bad(`${scheme}:// is not a scheme git clones from (https, ssh, git, file)`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return bad('not a valid URL');
    }
    if (/\s/.test(value)) bad('a URL cannot hold spaces');
    if (url.pathname === '' || url.pathname === '/') bad('the URL names no repository');
    return { kind: 'url', line, url: value, name: displayUrl(url) };
  }
  // scp-like syntax, as git takes it: `user@host:path` (no slash before the colon).
  const scp = /^([^/@\s]+@)?([^/:\s]+):(?!\/\/)(.+)$/.exec(value);
  if (scp && scp[2]!.length > 1) {
    if (/\s/.test(value)) bad('a URL cannot hold spaces');
    return { kind: 'url', line, url: value, name: `${scp[2]}:${scp[3]}` };
  }
  return { kind: 'path', line, path: resolve(cwd, value), name: value };
}

/** A URL as reports name it: without user name or password (a token in a clone URL stays out of them). */
function displayUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href.replace(/\/$/, '');
}
