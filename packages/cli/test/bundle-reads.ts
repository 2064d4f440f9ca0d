import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOADER = fileURLToPath(new URL('../bin/load-bundle.cjs', import.meta.url));

/**
 * Node options and a reader for which bundle files a run of the bin read: bin/load-bundle.cjs (and Node,
 * for worker.cjs in each worker thread) read each chunk with fs.readFileSync before compiling it.
 */
export function recordBundleReads(dir: string): { execArgv: string[]; read: () => string[] } {
  const log = join(dir, `bundle-reads-${process.pid}-${Date.now()}.txt`);
  const preload = join(dir, 'record-bundle-reads.cjs');
  writeFileSync(log, '');
  writeFileSync(
    preload,
    `const fs = require('node:fs');
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  if (typeof file === 'string' && file.endsWith('.cjs')) fs.appendFileSync(${JSON.stringify(log)}, file + '\\n');
  return readFileSync.call(this, file, ...rest);
};
`,
  );
  return {
    execArgv: ['--require', preload],
    read: () => [
      ...new Set(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((path) => path !== '' && path !== LOADER),
      ),
    ],
  };
}
