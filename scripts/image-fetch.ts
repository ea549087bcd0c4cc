// Standalone `tsxen image fetch` for CI prefetching: node --import tsx scripts/image-fetch.ts [--mirror URL] ...
import { main } from '../src/host/main.js';

process.exitCode = await main(['image', 'fetch', ...process.argv.slice(2)]);
