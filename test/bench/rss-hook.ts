/**
 * Preloaded into the dudforge process by the bench (`node --import <this> main.js build …`):
 * at exit it writes the process's own peak RSS (KiB, getrusage RUSAGE_SELF) to the file named
 * by DUDFORGE_BENCH_RSS_FILE. Children (make, gcc) are not counted: /usr/bin/time's %M would
 * report the largest process of the whole tree, usually a cc1.
 * Inside the test runner the variable is unset and this file does nothing.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.DUDFORGE_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
