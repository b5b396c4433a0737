// The ES|QL layer's public surface for the rest of the language (sessions, built-ins, completion, CLI).
export { runEsql, runEsqlSync, esqlFunctions, DEFAULT_LIMIT, MAX_LIMIT } from './engine';
export type { RunOptions } from './engine';
export { parseQuery, COMMAND_KEYWORDS } from './parse';
export { EsqlError } from './errors';
export { formatText, formatHtml } from './format';
export type { EsqlCatalog } from './catalog';
