// The ES|QL scalar function table, one file per category; aggregates live in ../aggregates.ts.
import type { FunctionRegistry } from '../registry';
import { registerAggregates } from '../aggregates';
import { defineConditionalFunctions } from './conditional';
import { defineMathFunctions } from './math';
import { defineStringFunctions } from './string';
import { defineDateFunctions } from './date';
import { defineConversionFunctions } from './conversion';
import { defineMultivalueFunctions } from './multivalue';
import { defineIpFunctions } from './ip';
import { defineFullTextFunctions } from './full-text';
import { defineGeoFunctions } from './geo';
import { defineSpatialFunctions } from './spatial';
import { defineSpatialRelations } from './spatial-relate';

export { coerceNumber, noText, standardEvaluator, widenNumeric, kahanSum, roundHalfUp } from './common';

export function defineScalarFunctions(r: FunctionRegistry): void {
  defineConditionalFunctions(r);
  defineMathFunctions(r);
  defineStringFunctions(r);
  defineDateFunctions(r);
  defineConversionFunctions(r);
  defineMultivalueFunctions(r);
  defineIpFunctions(r);
  defineFullTextFunctions(r);
  defineGeoFunctions(r);
  defineSpatialFunctions(r);
  defineSpatialRelations(r);
  registerAggregates(r);
}
