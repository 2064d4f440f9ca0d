import type { Args } from '../run.js';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';

export async function runScan(_args: Args, _io: Io): Promise<number> {
  throw new KeywardError('E_USAGE', { message: 'scan is being built' });
}
