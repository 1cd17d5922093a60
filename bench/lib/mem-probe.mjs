// Preloaded into a profiled run (node --import, see profile.mjs) when XFORM_BENCH_MEM_FILE names a file: on
// exit it writes there the largest resident set seen and when (a thread of its own reads it every 2 ms, since
// the main thread may compute for seconds without a turn of its event loop), and what V8's GC profiler saw of
// the main thread's heap before each collection. Times are µs of the monotonic clock, as in a .cpuprofile.
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { isMainThread, Worker } from 'node:worker_threads';

const file = process.env.XFORM_BENCH_MEM_FILE;
if (file && isMainThread) {
  // [largest RSS in bytes, when (µs), readings taken]
  const peak = new Float64Array(new SharedArrayBuffer(3 * 8));
  const sampler = new Worker(
    [
      "const { workerData } = require('node:worker_threads');",
      'const peak = new Float64Array(workerData);',
      'setInterval(() => {',
      '  const rss = process.memoryUsage.rss();',
      '  peak[2] += 1;',
      '  if (rss > peak[0]) { peak[0] = rss; peak[1] = Number(process.hrtime.bigint() / 1000n); }',
      '}, 2);',
    ].join('\n'),
    { eval: true, workerData: peak.buffer },
  );
  sampler.unref();
  const gc = new v8.GCProfiler();
  gc.start();
  process.on('exit', () => {
    const heap = gc.stop();
    const record = {
      maxRssKb: process.resourceUsage().maxRSS,
      peak: { rssBytes: peak[0], atUs: peak[1], readings: peak[2] },
      samplerThreadId: sampler.threadId,
      collections: heap.statistics.map((s) => ({
        type: s.gcType,
        costUs: s.cost,
        usedBytes: s.beforeGC.heapStatistics.usedHeapSize,
        externalBytes: s.beforeGC.heapStatistics.externalMemory,
        spaces: Object.fromEntries(s.beforeGC.heapSpaceStatistics.map((space) => [space.spaceName, space.spaceUsedSize])),
      })),
    };
    writeFileSync(file, JSON.stringify(record));
  });
}
