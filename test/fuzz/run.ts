// `npm run fuzz -- [--count N] [--seed S] [--execute-every K] [--spec DIR]`: the language fuzzer's long mode
// (the fast mode runs in `npm test`, test/fuzz/fuzz.test.ts). Prints the counts and every problem with the seed
// that reproduces it; exits 1 when there was one.
import { fuzz } from './oracle';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

async function main(): Promise<number> {
  const count = Number(option('count', '100000'));
  const seed = Number(option('seed', String(Date.now() % 1_000_000)));
  const executeEvery = Number(option('execute-every', '20'));
  const specDirs = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--spec' ? [a] : []));
  const started = Date.now();
  console.log(`fuzzing ${count} cases from seed ${seed} (a cell executed every ${executeEvery} cases)`);
  const { counts, problems } = await fuzz({
    count, seed, executeEvery, specDirs,
    onProgress: (done, _counts, found) => {
      if (done % 5000 === 0) console.log(`  ${done} cases, ${((Date.now() - started) / 1000).toFixed(0)} s, ${found.length} problems`);
      if (found.length && done % 5000 === 0) console.log(`  first: seed ${found[0].seed}: ${found[0].what.slice(0, 300)}`);
    },
  });
  console.log(JSON.stringify(counts));
  console.log(`${count} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, ${problems.length} problems`);
  for (const p of problems.slice(0, 50)) console.log(`\nseed ${p.seed}: ${p.what}\n${JSON.stringify(p.text).slice(0, 2000)}`);
  return problems.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(2); });
