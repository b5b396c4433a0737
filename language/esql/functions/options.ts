// Function options: the `{"name": value, ...}` constant some functions take as their last argument.
import type { Compiled } from '../registry';

/** Allowed values per option name: a list of words, or the JavaScript type of the value. */
export type OptionSpec = Record<string, readonly string[] | 'string' | 'number' | 'boolean'>;

/** The options of `call`'s map argument, checked against `spec`; an error message when they do not fit. */
export function functionOptions(call: string, arg: Compiled, spec: OptionSpec): Record<string, unknown> | string {
  if (arg.type !== 'map' || !arg.constant || typeof arg.constant.value !== 'object' || arg.constant.value === null) {
    return `Invalid option [${arg.text}] in [${call}], expected a map of options such as {"name": value}`;
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(arg.constant.value as Record<string, unknown>)) {
    const allowed = spec[name];
    if (allowed === undefined) {
      return `Invalid option [${name}] in [${call}], expected one of [${Object.keys(spec).join(', ')}]`;
    }
    const ok = Array.isArray(allowed) ? typeof value === 'string' && allowed.includes(value.toLowerCase())
      : typeof value === allowed;
    if (!ok) {
      const expected = Array.isArray(allowed) ? allowed.join(', ') : allowed;
      return `Invalid value [${String(value)}] for option [${name}] in [${call}], expected [${expected}]`;
    }
    out[name] = typeof value === 'string' && Array.isArray(allowed) ? value.toLowerCase() : value;
  }
  return out;
}
