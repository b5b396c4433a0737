// The analyser: resolves a parsed query against the catalog into a logical plan, in one pass over the
// commands. Names, types and functions are checked by the same code that later builds the operators
// (commands.ts), so the failures and their wording are Elasticsearch's; all of them are collected.
import { Command, Expr, Field, Query } from '../ast';
import { TypedExpr, TypedField } from './typed';
import { Column, CompileEnv, ExprCompiler } from '../compile';
import { EsqlError, EvalFailure, Failure } from '../errors';
import { CatalogField, EsqlCatalog, METADATA_FIELDS } from '../catalog';
import { DataType, esqlTypeOf } from '../types';
import { unusableReason } from '../unusable-fields';
import { CommandContext, analyzeCommand, limitParam } from '../commands';
import { Plan, TypedStats, UnaryPlan, outputOf, sameSchema, schemaText } from './logical';

export const ESQL_VERSION = '9.1.0-escript';

export interface Analysis {
  plan: Plan;
  failures: Failure[];
}

/** The analysed plan of `query`; failures in it are returned, not thrown (the caller reports them all). */
export function analyse(query: Query, env: CompileEnv, catalog?: EsqlCatalog): Analysis {
  const text = env.query;
  let plan = analyseSource(query.commands[0], catalog, env, text);
  const compiler = new ExprCompiler(env);
  const ctx: CommandContext = {
    compiler,
    catalog,
    fail: (span, message) => env.failures.push({ span, message }),
    warn: (span, t, e: EvalFailure) => env.warnings.record(span, t, e),
  };
  for (const cmd of query.commands.slice(1)) {
    plan = analyseCommand(cmd, plan, ctx);
    if (cmd.kind === 'limit') ctx.afterLimit = true;
  }
  return { plan, failures: dedupeFailures(env.failures) };
}

function analyseCommand(cmd: Command, child: Plan, ctx: CommandContext): Plan {
  const failures = ctx.compiler.env.failures.length;
  const op = analyzeCommand(cmd, child.schema, ctx);
  const base = { child, span: cmd.span, schema: op.columns };
  // The typed nodes the compiler made while checking the command (each over the columns it was compiled over).
  const typed = (e: Expr): TypedExpr => ctx.compiler.typed(e, child.schema);
  const fields = (fs: Field[]): TypedField[] => fs.map((f) => ({ ...f, expr: typed(f.expr) }));
  let node: UnaryPlan;
  switch (cmd.kind) {
    case 'where': node = { ...base, kind: 'filter', condition: typed(cmd.condition) }; break;
    case 'eval': node = { ...base, kind: 'eval', fields: fields(cmd.fields), added: op.added ?? [] }; break;
    case 'stats': case 'inline_stats': {
      const command = { ...cmd, groups: fields(cmd.groups), aggs: cmd.aggs.map((a) => ({ field: { ...a.field, expr: typed(a.field.expr) }, ...(a.filter ? { filter: typed(a.filter) } : {}) })) };
      node = cmd.kind === 'stats' ? { ...base, kind: 'aggregate', command: command as TypedStats<'stats'> }
        : { ...base, kind: 'inline_stats', command: command as TypedStats<'inline_stats'>, added: op.added ?? [] };
      break;
    }
    case 'sort': node = { ...base, kind: 'order_by', orders: cmd.orders.map((o) => ({ ...o, expr: typed(o.expr) })) }; break;
    case 'limit': {
      const count = typeof cmd.count === 'number' ? cmd.count : limitParam(cmd, { ...ctx, fail: () => undefined });
      node = { ...base, kind: 'limit', count };
      break;
    }
    case 'keep': case 'drop': case 'rename':
      node = { ...base, kind: 'project', from: cmd.kind, columns: op.columns.map((c, i) => ({ source: op.projected?.[i] ?? c.name, name: c.name })) };
      break;
    case 'dissect': case 'grok': node = { ...base, kind: cmd.kind, command: cmd, input: typed(cmd.input), added: op.added ?? [] }; break;
    case 'mv_expand': node = { ...base, kind: 'mv_expand', column: cmd.column.pattern }; break;
    case 'lookup_join': node = { ...base, kind: 'lookup_join', command: cmd, index: cmd.index, added: op.added ?? [] }; break;
    default:
      // A source command in the middle: analyzeCommand reported it.
      return child;
  }
  // The node must derive the schema the operator computed (rules rebuild schemas from nodes alone).
  if (ctx.compiler.env.failures.length === failures && !sameSchema(outputOf(node, child.schema), op.columns)) {
    throw new Error(`analyser: ${cmd.kind} derives [${schemaText(outputOf(node, child.schema))}], its operator gives [${schemaText(op.columns)}]`);
  }
  return node;
}

function dedupeFailures(failures: Failure[]): Failure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const k = `${f.span.start}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).sort((a, b) => a.span.start - b.span.start);
}

function analyseSource(cmd: Command, catalog: EsqlCatalog | undefined, env: CompileEnv, text: string): Plan {
  switch (cmd.kind) {
    case 'row': {
      const compiler = new ExprCompiler(env);
      const compiled = cmd.fields.map((f) => ({ name: f.name, c: compiler.compile(f.expr, []) }));
      return {
        kind: 'local', span: cmd.span,
        schema: compiled.map(({ name, c }) => (c.constant ? { name, type: c.type, constant: c.constant } : { name, type: c.type })),
        rows: [compiled.map(({ c }) => normalize(c.fn([])))],
      };
    }
    case 'show':
      return {
        kind: 'local', span: cmd.span,
        schema: [{ name: 'version', type: 'keyword' }, { name: 'date', type: 'keyword' }, { name: 'hash', type: 'keyword' }],
        rows: [[ESQL_VERSION, '2026-01-01T00:00:00.000Z', 'escript-embedded']],
      };
    case 'from': {
      if (!catalog) throw EsqlError.at(text, cmd.span, 'FROM needs a data store', 'verification_exception');
      let indices: string[];
      const at = { start: cmd.span.start + 5, end: cmd.span.end };
      try {
        indices = catalog.resolveIndices(cmd.sources);
      } catch (e) {
        throw EsqlError.verification(text, [{ span: at, message: (e as Error).message }]);
      }
      if (indices.length === 0) {
        throw EsqlError.verification(text, [{ span: at, message: `Unknown index [${cmd.sources.join(',')}]` }]);
      }
      const fields: CatalogField[] = catalog.fields(indices).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const schema: Column[] = fields.map((f) => {
        const column: Column = f.unionTypes
          ? { name: f.name, type: 'unsupported', union: [...new Set(Object.values(f.unionTypes).map(esqlTypeOf))] }
          : { name: f.name, type: esqlTypeOf(f.type), ...(esqlTypeOf(f.type) !== 'text' ? { indexed: true } : {}) };
        const unusable = unusableReason(f);
        return unusable ? { ...column, unusable } : column;
      });
      for (const m of cmd.metadata) {
        if (!(m in METADATA_FIELDS)) {
          env.failures.push({ span: cmd.span, message: `unsupported metadata field [${m}]` });
          continue;
        }
        schema.push({ name: m, type: METADATA_FIELDS[m] as DataType });
        fields.push({ name: m, type: METADATA_FIELDS[m], multiValued: false });
      }
      return { kind: 'scan', span: cmd.span, indices, fields, schema };
    }
    default:
      throw EsqlError.at(text, cmd.span, `mismatched input '${cmd.kind}' expecting {'from', 'row', 'show'}`, 'parsing_exception');
  }
}

/** A value as a row holds it: absent is null, a one-value list is the value, an empty list is null. */
export function normalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.length === 1 ? v[0] : v;
  return v;
}
