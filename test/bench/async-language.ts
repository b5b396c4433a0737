// Tracked executions through the language, as a user starts them: `escript run` of a script that launches
// 1,000 `p(i) | ON_DONE h(@result) | TRACK AS 'cold-' || i` in a loop, waits for the last one, then launches
// 1,000 more (warm: same process, code optimised). Beside it the engine alone on the same store and the same
// count (async.ts's measure), so the language's own cost per start shows.
//
//   npm run bench -- async --only escript-run [--starts N]
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const CLI = resolve(__dirname, '..', '..', 'kernel', 'cli.js');

export function languageScript(n: number): string {
  const batch = (name: string) => `
FOR i IN 1..${n} LOOP
  p(i) | ON_DONE h(@result) | TRACK AS '${name}-' || i;
END LOOP;
PRINT '${name} started';
EXECUTION('${name}-${n}') | WAIT;
PRINT '${name} done';`;
  return `CREATE OR REPLACE PROCEDURE p(i NUMBER) BEGIN RETURN i; END PROCEDURE;
CREATE OR REPLACE PROCEDURE h(r NUMBER) BEGIN RETURN r + 1; END PROCEDURE;
PRINT 'ready';${batch('cold')}${batch('warm')}
`;
}

export interface Batch {
  startMs: number;
  endToEndMs: number;
  cpuMs: number | null;
}

/** CPU time (user + system) the process has used so far, from /proc/PID/stat; null where there is no /proc. */
function cpuMsOf(pid: number): number | null {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  try {
    const fields = readFileSync(file, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

export interface LanguageRun {
  /** From spawning the process to its first PRINT (node, the CLI, the grammar, the store, two CREATEs). */
  startupMs: number;
  /**
   * Per start: the loop that returns the handles; up to the last execution settled (its WAIT); and the CPU
   * time the process used for it (Linux: /proc; what a loaded machine does not inflate), or null.
   */
  cold: Batch;
  warm: Batch;
  /** From spawn to exit (the summary read back every execution's status). */
  totalMs: number;
}

/** One `escript run` of the script on a fresh data directory; times are taken as its PRINT lines arrive. */
export async function languageRun(n: number, env: Record<string, string> = {}): Promise<LanguageRun> {
  const dir = mkdtempSync(join(tmpdir(), 'escript-bench-run-'));
  try {
    const file = join(dir, 'starts.es');
    writeFileSync(file, languageScript(n));
    const t0 = performance.now();
    const at: Record<string, number> = {};
    const cpu: Record<string, number | null> = {};
    let stderr = '';
    let pending = '';
    const child = spawn(process.execPath, [CLI, 'run', file], { env: { ...process.env, ESCRIPT_DATA_DIR: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        at[line] ??= now;
        if (!(line in cpu)) cpu[line] = cpuMsOf(child.pid!);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const status = await new Promise<number | null>((done) => child.once('exit', done));
    const t1 = performance.now();
    for (const mark of ['ready', 'cold started', 'cold done', 'warm started', 'warm done']) {
      if (at[mark] === undefined) throw new Error(`escript run printed no '${mark}' (status ${status}): ${stderr}`);
    }
    const batch = (from: string, started: string, done: string): Batch => {
      const [c0, c1] = [cpu[from], cpu[done]];
      return {
        startMs: (at[started] - at[from]) / n,
        endToEndMs: (at[done] - at[from]) / n,
        cpuMs: c0 != null && c1 != null ? (c1 - c0) / n : null,
      };
    };
    if (status !== 0 || !stderr.includes(`${2 * n} executions: ${2 * n} completed`)) throw new Error(`escript run ended ${status}: ${stderr}`);
    return {
      startupMs: at.ready - t0,
      cold: batch('ready', 'cold started', 'cold done'),
      warm: batch('cold done', 'warm started', 'warm done'),
      totalMs: t1 - t0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same count through the engine alone, cold then warm, in this process (async.ts's measure). */
export type EngineMeasure = (n: number) => Promise<{ ms: number; cpuMs: number }>;

export async function languageBench(n: number, engine: { store: string; durability: string; perExecutionMs: EngineMeasure }[]): Promise<void> {
  console.log(`\`escript run\`: ${n.toLocaleString('en')} tracked starts with ON_DONE in a FOR loop, then ${n.toLocaleString('en')} more in the same process`);
  for (const { store, durability, perExecutionMs } of engine) {
    const env: Record<string, string> = durability === 'os' ? {} : { ESCRIPT_DURABILITY: durability };
    const r = await languageRun(n, env);
    const cold = await perExecutionMs(n);
    const warm = await perExecutionMs(n);
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    console.log(`${store} store, ESCRIPT_DURABILITY=${durability}: process start to first PRINT ${r.startupMs.toFixed(0)} ms, whole run ${r.totalMs.toFixed(0)} ms`);
    for (const [pass, lang, eng] of [['cold', r.cold, cold], ['warm', r.warm, warm]] as const) {
      const cpu = lang.cpuMs !== null ? `, CPU ${ms(lang.cpuMs)} (engine alone ${ms(eng.cpuMs)})` : '';
      console.log(`  ${pass}: language ${ms(lang.startMs)} per start (handle returned), ${ms(lang.endToEndMs)} end to end; ` +
        `engine alone ${ms(eng.ms)} end to end (${(lang.endToEndMs / eng.ms).toFixed(1)}x)${cpu}`);
    }
  }
}
