// Loaded with `node --import` into a process under test: at exit, writes its peak resident set
// (process.resourceUsage().maxRSS, KiB) to the file named by MAX_RSS_FILE, so that a test reads the
// true peak instead of sampling /proc while the process runs.
import { writeFileSync } from 'node:fs';

process.on('exit', () => writeFileSync(process.env.MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));
