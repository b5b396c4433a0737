// Built-ins for code running as an async execution.
import type { BuiltinDef } from './registry';
import { ScriptError } from '../errors';
import { TaskOutput } from '../evaluator/async-statements';
import { toText } from '../values';

export const executionBuiltins: BuiltinDef[] = [
  { name: 'PROGRESS', category: 'executions',
    params: [{ name: 'percent', type: 'NUMBER' }, { name: 'message', type: 'STRING', optional: true }], returns: 'NULL',
    doc: 'Records the progress (0-100, with an optional message) of the async execution running this code; does nothing outside one.',
    impl: ([percent, message], ctx) => {
      if (typeof percent !== 'number' || !Number.isFinite(percent)) {
        throw new ScriptError('argument_error', `PROGRESS expects a NUMBER percent, got ${toText(percent)}`, ctx.span);
      }
      const out = ctx.out;
      if (!(out instanceof TaskOutput) || !out.progress) return null;
      return out.progress(percent, message === null || message === undefined ? undefined : toText(message)).then(() => null);
    } },
];
