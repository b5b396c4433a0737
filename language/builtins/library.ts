// The script built-ins, assembled from their category files.
import { Registry } from './registry';
import { stringBuiltins } from './strings';
import { arrayBuiltins } from './arrays';
import { systemBuiltins } from './system';

export function scriptBuiltins(): Registry {
  return new Registry().define(...stringBuiltins, ...arrayBuiltins, ...systemBuiltins);
}
