// `npm run bench`: every benchmark, each side by side with its peer in the same run.
// `npm run bench -- esql` runs only the named ones.
import * as fs from 'fs';
import * as path from 'path';

const BENCHES = ['kernel', 'language', 'completion', 'parse', 'interrupt', 'esql', 'esql-multivalue', 'load', 'data', 'async'];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const name of BENCHES.filter((b) => !wanted.length || wanted.includes(b))) {
    const file = path.join(__dirname, `${name}.js`);
    if (!fs.existsSync(file)) {
      console.log(`\n## ${name}: not built`);
      continue;
    }
    console.log(`\n## ${name}`);
    const bench = require(file) as { run(): Promise<void> };
    await bench.run();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
