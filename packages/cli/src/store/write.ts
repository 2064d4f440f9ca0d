import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes `bytes` to `file` whole or not at all: a temporary file in the same folder, flushed to disk,
 * then renamed over the store (a rename within a folder is atomic), then the folder flushed.
 */
export async function writeWhole(file: string, bytes: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename itself reaches the disk with the folder's entry; not every platform can open a folder.
  const folder = await open(join(file, '..'), 'r').catch(() => undefined);
  await folder?.sync().catch(() => {});
  await folder?.close();
}

export function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^\w+: /, '')}` : String(e.message ?? error);
}
