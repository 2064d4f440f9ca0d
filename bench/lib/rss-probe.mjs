/**
 * Preloaded into keyward's Node process by the bench (NODE_OPTIONS=--import): at exit, appends
 * "<pid> <peak RSS in KB>" to $KEYWARD_BENCH_RSS_FILE. getrusage(RUSAGE_SELF) covers every thread of the
 * process (workers included) and no child process, so git's own memory is told apart from keyward's.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.KEYWARD_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS}\n`);
    } catch {
      // The bench reads what it finds; a missing line shows as "-".
    }
  });
}
