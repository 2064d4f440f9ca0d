import { processIo } from './io.js';
import { run } from './run.js';

export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIo());
}
