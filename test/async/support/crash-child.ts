// The kernel that gets killed: starts one tracked execution whose body never ends, says so on stdout,
// and keeps renewing its lease until the parent test kills it with SIGKILL.
//   node crash-child.js <sqlite file> <pipeline json>

import { ExecutionEngine } from '../../../language/async/engine';
import { EmbeddedStore } from '../../../language/store/embedded';

async function main(): Promise<void> {
  const [path, pipelineJson] = process.argv.slice(2);
  const pipeline = JSON.parse(pipelineJson) as { procedure: string; track: string; retries?: number };
  const engine = new ExecutionEngine({ store: new EmbeddedStore(path), kernelId: 'doomed', leaseMs: 1_000, sweepEveryMs: 0 });
  await engine.open();
  const handle = await engine.start({
    procedure: pipeline.procedure,
    pipeline,
    body: () => new Promise(() => undefined),
    onFail: [{ name: 'child_on_fail', run: async () => process.stdout.write('child ran ON_FAIL\n') }],
    track: { name: pipeline.track },
    retry: pipeline.retries ? { retries: pipeline.retries } : undefined,
  });
  process.stdout.write(`started ${handle.execution_id}\n`);
  setInterval(() => undefined, 1_000);
}

main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(1);
});
