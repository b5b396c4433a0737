// Another kernel, as a real process on the same SQLite file: an engine with the default settings (unless the
// config says otherwise) starts tracked executions whose bodies run until they are told to stop, says
// `started <track> <execution id>` for each, then reports on stdout, one JSON line each, every event of its
// runs and every body that saw its stop signal, stamped with Date.now() so the parent can time them.
// It lives until the parent kills it.
//   node kernel-child.js <sqlite file> <config json>

import { ExecutionEngine } from '../../../../language/async/engine';
import { EmbeddedStore } from '../../../../language/store/embedded';

/** The harness's PipelineDesc: a surviving engine whose harness knows these names can re-run it. */
interface ChildPipeline {
  procedure: string;
  track: string;
  onDone?: string[];
  onFail?: string[];
  finally?: string[];
  timeoutMs?: number;
  retries?: number;
}

/** Handlers that say they ran. */
function reporting(names: string[] | undefined) {
  return names?.map((name) => ({ name, run: async () => report({ handler: name }) }));
}

interface ChildConfig {
  kernelId?: string;
  leaseMs?: number;
  pipelines: ChildPipeline[];
}

function report(line: object): void {
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`);
}

async function main(): Promise<void> {
  const [path, configJson] = process.argv.slice(2);
  const config = JSON.parse(configJson) as ChildConfig;
  const engine = new ExecutionEngine({ store: new EmbeddedStore(path), kernelId: config.kernelId ?? 'child', leaseMs: config.leaseMs });
  engine.onEvent((e) => report({ event: e.type, id: e.execution_id, state: e.document.state, deadline_at: e.document.deadline_at }));
  await engine.open();
  for (const pipeline of config.pipelines) {
    const handle = await engine.start({
      procedure: pipeline.procedure,
      pipeline,
      body: (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            report({ aborted: ctx.executionId, reason: String(ctx.signal.reason) });
            reject(ctx.signal.reason);
          }),
        ),
      onDone: reporting(pipeline.onDone),
      onFail: reporting(pipeline.onFail),
      finally: reporting(pipeline.finally),
      track: { name: pipeline.track },
      timeoutMs: pipeline.timeoutMs,
      retry: pipeline.retries ? { retries: pipeline.retries } : undefined,
    });
    process.stdout.write(`started ${pipeline.track} ${handle.execution_id}\n`);
  }
  setInterval(() => undefined, 1_000);
}

main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(1);
});
