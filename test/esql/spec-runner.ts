// `npm run esql-spec -- DIR`: runs every case of DIR/*.csv-spec on a fresh embedded store loaded with
// DIR/data/*.csv, prints one line per failing case, and ends with `N passed, N failed, N skipped`.
import * as path from 'path';
import { loadSpecCases, openSpecStore, runSpecCase } from './spec';

async function main(dir: string, verbose: boolean): Promise<number> {
  const cases = loadSpecCases(dir);
  const env = await openSpecStore(dir);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    for (const c of cases) {
      const outcome = await runSpecCase(env.store, env.datasets, c);
      if (outcome.status === 'passed') passed++;
      else if (outcome.status === 'skipped') {
        skipped++;
        if (verbose) console.log(`SKIP ${c.file}:${c.line} ${c.name}: ${outcome.message}`);
      } else {
        failed++;
        console.log(`FAIL ${c.file}:${c.line} ${c.name}: ${outcome.message}`);
      }
    }
  } finally {
    await env.close();
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error('usage: spec-runner DIR [--verbose]');
    process.exit(2);
  }
  main(path.resolve(dir), verbose).then((code) => process.exit(code), (e) => {
    console.error(e);
    process.exit(2);
  });
}
