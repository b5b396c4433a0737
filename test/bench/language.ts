// Benchmark: the elastic-script evaluator against CPython 3 on the same machine, in the same run.
// Each side is timed inside its own process (start-up, parsing of the benchmark harness excluded) and the
// median of several runs is reported. Run with `npm run bench` or `node dist/test/bench/language.js`.
import { execFileSync } from 'child_process';
import { Session } from '../../language/session';
import type { Output } from '../../language/contract';

interface Workload {
  readonly name: string;
  /** Cell run once before timing (definitions, declarations). */
  readonly setup: string;
  /** The timed cell. */
  readonly escript: string;
  readonly pythonSetup: string;
  readonly python: string;
  /** What both must produce (checked, so a broken evaluator cannot look fast). */
  readonly expected: string;
}

const WORKLOADS: Workload[] = [
  {
    name: 'loop 1e7 (s = s + i)',
    setup: 'DECLARE s NUMBER = 0;',
    escript: 'SET s = 0; FOR i IN 1..10000000 LOOP SET s = s + i; END LOOP; s',
    pythonSetup: '',
    python: 's = 0\nfor i in range(1, 10000001):\n    s = s + i\nresult = s',
    expected: '50000005000000',
  },
  {
    name: 'fib(30) recursive',
    setup: 'CREATE FUNCTION fib(n NUMBER) RETURNS NUMBER AS BEGIN IF n < 2 THEN RETURN n; END IF; RETURN fib(n - 1) + fib(n - 2); END FUNCTION;',
    escript: 'fib(30)',
    pythonSetup: 'def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)',
    python: 'result = fib(30)',
    expected: '832040',
  },
  {
    name: 'string || 1e5',
    setup: "DECLARE t STRING = '';",
    escript: "SET t = ''; FOR i IN 1..100000 LOOP SET t = t || 'x'; END LOOP; LENGTH(t)",
    pythonSetup: '',
    python: "t = ''\nfor i in range(1, 100001):\n    t = t + 'x'\nresult = len(t)",
    expected: '100000',
  },
  {
    name: 'ARRAY_APPEND 1e5',
    setup: 'DECLARE a ARRAY;',
    escript: 'SET a = []; FOR i IN 1..100000 LOOP SET a = ARRAY_APPEND(a, i); END LOOP; ARRAY_LENGTH(a)',
    pythonSetup: '',
    python: 'a = []\nfor i in range(1, 100001):\n    a.append(i)\nresult = len(a)',
    expected: '100000',
  },
  {
    name: 'ARRAY_APPEND 2e5 (scaling)',
    setup: 'DECLARE a2 ARRAY;',
    escript: 'SET a2 = []; FOR i IN 1..200000 LOOP SET a2 = ARRAY_APPEND(a2, i); END LOOP; ARRAY_LENGTH(a2)',
    pythonSetup: '',
    python: 'a = []\nfor i in range(1, 200001):\n    a.append(i)\nresult = len(a)',
    expected: '200000',
  },
];

const RUNS = 5;

const silent: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timeEscript(w: Workload): Promise<number> {
  const session = new Session();
  const signal = new AbortController().signal;
  const setup = await session.execute(w.setup, silent, signal);
  if (setup.status !== 'ok') throw new Error(`${w.name}: setup failed: ${JSON.stringify(setup)}`);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    const outcome = await session.execute(w.escript, silent, signal);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const text = outcome.status === 'ok' ? String(outcome.result?.['text/plain']) : JSON.stringify(outcome.error);
    if (text !== w.expected) throw new Error(`${w.name}: expected ${w.expected}, got ${text}`);
  }
  return median(times);
}

/** Median milliseconds of the Python workload, or undefined when python3 is not available. */
function timePython(w: Workload): number | undefined {
  const indent = (code: string) => code.split('\n').map((l) => `    ${l}`).join('\n');
  const script = [
    'import time, statistics, sys',
    'sys.setrecursionlimit(10000)',
    w.pythonSetup,
    'def workload():',
    indent(w.python.replace(/^/, '') + '\nreturn result').replace(/^ {4}(?=return result$)/m, '    '),
    'times = []',
    `for _ in range(${RUNS}):`,
    '    t0 = time.perf_counter()',
    '    result = workload()',
    '    times.append((time.perf_counter() - t0) * 1000)',
    `    assert str(result) == ${JSON.stringify(w.expected)}, result`,
    'print(statistics.median(times))',
  ].join('\n');
  try {
    return Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Python at module level (globals), like a top-level escript cell; functions keep their own locals. */
function timePythonModuleLevel(w: Workload): number | undefined {
  const script = [
    'import time, statistics, sys',
    'sys.setrecursionlimit(10000)',
    w.pythonSetup,
    'times = []',
    `for _ in range(${RUNS}):`,
    '    t0 = time.perf_counter()',
    w.python.split('\n').map((l) => `    ${l}`).join('\n'),
    '    times.append((time.perf_counter() - t0) * 1000)',
    `    assert str(result) == ${JSON.stringify(w.expected)}, result`,
    'print(statistics.median(times))',
  ].join('\n');
  try {
    return Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export async function run(): Promise<void> {
  const rows: string[][] = [['workload', 'escript ms', 'CPython ms', 'CPython/escript']];
  for (const w of WORKLOADS) {
    const ours = await timeEscript(w);
    const py = timePythonModuleLevel(w);
    rows.push([w.name, ours.toFixed(1), py === undefined ? 'n/a' : py.toFixed(1), py === undefined ? '' : `${(py / ours).toFixed(2)}x`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nelastic-script evaluator vs CPython (median of ${RUNS} runs, in-process timing; >1x means escript is faster)`);
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

export { timePython };

if (require.main === module) {
  run().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
