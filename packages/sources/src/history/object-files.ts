import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What an object store holds on disk, as an incremental audit tells old objects from new ones. */
export interface ObjectFiles {
  /** Packs with both their `.pack` and `.idx` (names without the extension, e.g. `pack-1f…`). */
  packs: string[];
  /** Loose objects' ids (hex). */
  loose: string[];
  /** Objects borrowed from other stores (`objects/info/alternates`, GIT_ALTERNATE_OBJECT_DIRECTORIES). */
  alternates: boolean;
}

const LOOSE_FOLDER = /^[0-9a-f]{2}$/;
const LOOSE_NAME = /^[0-9a-f]{38}(?:[0-9a-f]{24})?$/;

/**
 * The packs and loose objects of the store whose pack folder is `packDir` (`git rev-parse --git-path
 * objects/pack`). A pack is immutable and named by its contents: the same name next time is the same
 * objects. Packs git is still writing are temporary files, not yet named `pack-*.idx`.
 */
export async function objectFiles(packDir: string, env: NodeJS.ProcessEnv = {}): Promise<ObjectFiles> {
  const objects = join(packDir, '..');
  const [packFiles, folders, alternates] = await Promise.all([
    readdir(packDir).catch(() => [] as string[]),
    readdir(objects).catch(() => [] as string[]),
    stat(join(objects, 'info', 'alternates')).then(
      (s) => s.size > 0,
      () => false,
    ),
  ]);
  const names = new Set(packFiles);
  const packs = packFiles
    .filter((f) => f.startsWith('pack-') && f.endsWith('.idx') && names.has(`${f.slice(0, -4)}.pack`))
    .map((f) => f.slice(0, -4))
    .sort();
  const loose = await Promise.all(
    folders
      .filter((f) => LOOSE_FOLDER.test(f))
      .map(async (folder) =>
        (await readdir(join(objects, folder)).catch(() => [] as string[]))
          .filter((name) => LOOSE_NAME.test(name))
          .map((name) => folder + name),
      ),
  );
  return {
    packs,
    loose: loose.flat(),
    alternates: alternates || (env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '') !== '',
  };
}

const IDX_MAGIC = 0xff744f63;

/**
 * The object ids (hex) a pack holds, read from its index (format 2, which git has written since 2007):
 * a header, 256 fan-out counts, then the ids in order. Undefined for an index it cannot read (another
 * format, a short file): the caller then lists the whole store as a full audit does.
 */
export async function packIds(packDir: string, pack: string, width: number): Promise<string[] | undefined> {
  const bytes = await readFile(join(packDir, `${pack}.idx`)).catch(() => undefined);
  const fanout = 8;
  const idsAt = fanout + 256 * 4;
  if (!bytes || bytes.length < idsAt || bytes.readUInt32BE(0) !== IDX_MAGIC || bytes.readUInt32BE(4) !== 2)
    return undefined;
  const count = bytes.readUInt32BE(fanout + 255 * 4);
  // Ids, then a CRC and an offset each, then the pack's and the index's checksums.
  if (bytes.length < idsAt + count * (width + 8) + 2 * width) return undefined;
  const ids: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) ids[i] = bytes.toString('hex', idsAt + i * width, idsAt + (i + 1) * width);
  return ids;
}
