'use strict';
/*
 * Preloaded (`node -r`) into a run of the CLI: when the process exits, writes its peak RSS and
 * CPU time to the file BENCH_USAGE_FILE names. Adds an exit listener and nothing else, so the
 * CLI runs as a user runs it.
 */
const fs = require('node:fs');

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ peakRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
  });
}
