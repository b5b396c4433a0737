// Array built-ins. They never modify their arguments (`SET a = ARRAY_APPEND(a, x)` is optimised in place by
// the compiler).
import type { BuiltinDef } from './registry';
import { arr } from './core';

const A = 'array';

export const arrayBuiltins: BuiltinDef[] = [
  { name: 'ARRAY_LENGTH', category: A, params: [{ name: 'array', type: 'ARRAY' }], returns: 'NUMBER', doc: 'Number of elements of array.',
    impl: ([a]) => (a === null ? null : arr('ARRAY_LENGTH', a).length) },
  { name: 'ARRAY_APPEND', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'values', type: 'ANY', variadic: true }], returns: 'ARRAY',
    doc: 'A new array: array followed by the given values.',
    impl: ([a, ...vs]) => [...(a === null ? [] : arr('ARRAY_APPEND', a)), ...vs] },
];
