// String built-ins.
import type { BuiltinDef } from './registry';
import { toText } from '../values';
import { str } from './core';

const S = 'string';

export const stringBuiltins: BuiltinDef[] = [
  { name: 'LENGTH', category: S, params: [{ name: 's', type: 'STRING' }], returns: 'NUMBER', doc: 'Number of characters in s (NULL for NULL).',
    impl: ([s]) => (s === null ? null : str('LENGTH', s).length) },
  { name: 'UPPER', category: S, params: [{ name: 's', type: 'STRING' }], returns: 'STRING', doc: 's in upper case.',
    impl: ([s]) => (s === null ? null : str('UPPER', s).toUpperCase()) },
  { name: 'LOWER', category: S, params: [{ name: 's', type: 'STRING' }], returns: 'STRING', doc: 's in lower case.',
    impl: ([s]) => (s === null ? null : str('LOWER', s).toLowerCase()) },
  { name: 'TO_STRING', category: S, params: [{ name: 'value', type: 'ANY' }], returns: 'STRING', doc: 'The text form of any value (as PRINT shows it).',
    impl: ([v]) => (v === null ? null : toText(v)) },
];
