// Built-ins about time and the session: SLEEP (cancellable).
import type { BuiltinDef } from './registry';
import { ScriptError } from '../errors';
import { num } from './core';

export const systemBuiltins: BuiltinDef[] = [
  { name: 'SLEEP', category: 'system', params: [{ name: 'ms', type: 'NUMBER' }], returns: 'NULL',
    doc: 'Waits ms milliseconds; an interrupt ends the wait at once.',
    impl: ([ms], ctx) => {
      const wait = Math.max(0, num('SLEEP', ms));
      return new Promise((resolve, reject) => {
        if (ctx.signal.aborted) return reject(new ScriptError('interrupted', 'execution interrupted', ctx.span));
        const onAbort = () => { clearTimeout(timer); reject(new ScriptError('interrupted', 'execution interrupted', ctx.span)); };
        const timer = setTimeout(() => { ctx.signal.removeEventListener('abort', onAbort); resolve(null); }, wait);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
    } },
];
