// Built-ins that act on what the notebook shows.
import type { BuiltinDef } from './registry';

export const outputBuiltins: BuiltinDef[] = [
  { name: 'CLEAR_OUTPUT', category: 'system', params: [{ name: 'wait', type: 'BOOLEAN', optional: true }], returns: 'NULL',
    doc: 'Clears the output shown so far by this cell; with wait = TRUE the clearing waits for the next output (no flicker).',
    impl: ([wait], ctx) => {
      ctx.out.clear(wait === true);
      return null;
    } },
];
