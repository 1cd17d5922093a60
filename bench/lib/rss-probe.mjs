// Preloaded into benchmarked processes (node --import): records the peak resident set size on exit.
import { writeFileSync } from 'node:fs';

const file = process.env.XFORM_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
