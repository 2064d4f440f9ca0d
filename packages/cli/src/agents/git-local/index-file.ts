import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What git's index says, as far as the agent audit needs it. */
export interface IndexFacts {
  /** Every path in the index (`/`-separated, repository-relative). */
  paths: Set<string>;
  /** The root tree the index would write, when its cache tree is valid there (the `TREE` extension). */
  cachedRoot: string | undefined;
}

/** Why the index could not be read here (git is asked instead). */
export type Unreadable = { unsupported: string };

const HASH = 20;

/**
 * Reads `<gitDir>/index` (versions 2 to 4, SHA-1): its paths and its cache tree's root. No index is an
 * empty one (a repository with nothing added yet). A split or sparse index, a conflict, an intent-to-add
 * entry or anything unexpected is `unsupported`: the caller asks git.
 */
export function readIndex(gitDir: string): IndexFacts | Unreadable {
  let data: Buffer;
  try {
    data = readFileSync(join(gitDir, 'index'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { paths: new Set(), cachedRoot: undefined };
    return { unsupported: 'the index cannot be read' };
  }
  if (data.length < 12 + HASH || data.toString('latin1', 0, 4) !== 'DIRC')
    return { unsupported: 'not an index' };
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return { unsupported: `index version ${version}` };
  const count = data.readUInt32BE(8);
  const end = data.length - HASH;
  const paths = new Set<string>();
  let offset = 12;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const flagsAt = offset + 40 + HASH;
    if (flagsAt + 2 > end) return { unsupported: 'a truncated index' };
    const flags = data.readUInt16BE(flagsAt);
    if ((flags >> 12) & 3) return { unsupported: 'a merge conflict in the index' };
    let nameAt = flagsAt + 2;
    if (flags & 0x4000) {
      if (version < 3) return { unsupported: 'extended flags in a version 2 index' };
      // Intent-to-add (`git add -N`) and skip-worktree entries: git's own view is safer.
      if (data.readUInt16BE(nameAt) & 0x6000) return { unsupported: 'an intent-to-add or sparse entry' };
      nameAt += 2;
    }
    if (version === 4) {
      const [strip, at] = varint(data, nameAt);
      const nul = data.indexOf(0, at);
      if (nul === -1 || nul > end || strip > previous.length) return { unsupported: 'a damaged index' };
      previous = previous.slice(0, previous.length - strip) + data.toString('utf8', at, nul);
      offset = nul + 1;
    } else {
      const nul = data.indexOf(0, nameAt);
      if (nul === -1 || nul > end) return { unsupported: 'a damaged index' };
      previous = data.toString('utf8', nameAt, nul);
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes from their start.
      offset += (nul - offset + 8) & ~7;
    }
    paths.add(previous);
  }
  let cachedRoot: string | undefined;
  while (offset + 8 <= end) {
    const signature = data.toString('latin1', offset, offset + 4);
    const size = data.readUInt32BE(offset + 4);
    const body = offset + 8;
    if (signature === 'link' || signature === 'sdir')
      return { unsupported: `a ${signature} index extension` };
    if (signature === 'TREE') cachedRoot = rootOfCacheTree(data, body, body + size);
    offset = body + size;
  }
  return { paths, cachedRoot };
}

/** The cache tree's first entry is the root: `\0<entries> <subtrees>\n<oid>`, no oid when invalid (-1). */
function rootOfCacheTree(data: Buffer, start: number, end: number): string | undefined {
  if (data[start] !== 0) return undefined;
  const newline = data.indexOf(0x0a, start);
  if (newline === -1 || newline >= end) return undefined;
  const entries = Number(data.toString('latin1', start + 1, newline).split(' ')[0]);
  if (!(entries >= 0) || newline + 1 + HASH > end) return undefined;
  return data.toString('hex', newline + 1, newline + 1 + HASH);
}

/** git's offset varint (index v4 path prefixes, pack offsets): 7 bits a byte, each continuation adds one. */
export function varint(data: Buffer, at: number): [value: number, next: number] {
  let byte = data[at++]!;
  let value = byte & 0x7f;
  while (byte & 0x80) {
    byte = data[at++]!;
    value = ((value + 1) << 7) | (byte & 0x7f);
  }
  return [value, at];
}
