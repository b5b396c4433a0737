// The script built-ins, assembled from their category files.
import { Registry } from './registry';
import { stringBuiltins } from './strings';
import { numberBuiltins } from './numbers';
import { arrayBuiltins } from './arrays';
import { dateBuiltins } from './dates';
import { documentBuiltins } from './documents';
import { mapBuiltins } from './maps';
import { dataBuiltins } from './data';
import { introspectionBuiltins } from './introspection';
import { integrationBuiltins } from './integrations';
import { systemBuiltins } from './system';
import { outputBuiltins } from './output';
import { executionBuiltins } from './executions';
import { chartBuiltins } from './charts';

export function scriptBuiltins(): Registry {
  return new Registry().define(
    ...stringBuiltins, ...numberBuiltins, ...arrayBuiltins, ...dateBuiltins, ...documentBuiltins, ...mapBuiltins,
    ...dataBuiltins, ...introspectionBuiltins, ...integrationBuiltins, ...systemBuiltins,
    ...outputBuiltins, ...executionBuiltins, ...chartBuiltins,
  );
}
