// Standalone skills (the reference's docs/language/skills.md): a procedure wrapped with what an agent needs to
// find and call it — typed parameters with descriptions and DEFAULTs, a return type, a description, example
// phrases — kept in the definition shelf (`.escript_skills` on a store). SHOW SKILL gives the MCP tool
// specification; RUN SKILL calls the procedure with the skill's parameters bound (by position or WITH name = v).
// GENERATE SKILL makes a template from a description without a model here: the request a model would get is
// recorded in the outbox and printed, as integrations without credentials do.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { tryParse } from '../grammar/parse';
import { dataError } from '../data/errors';
import { toOutbox } from '../builtins/integrations/transport';
import { Doc, Value, toText } from '../values';
import type { Compiler } from './compile';
import type { CompiledRoutine } from './host';
import type { BlockScope } from './scope';
import { StmtFn, ctxOf } from './runtime';
import { then } from './steps';
import { typeText } from './types';

type Stmt<K extends A.Stmt['kind']> = Extract<A.Stmt, { kind: K }>;

export class Skills {
  /** Compiled skills by the source text they were compiled from. */
  private readonly compiled = new Map<string, CompiledRoutine>();

  constructor(private readonly c: Compiler) {}

  private get shelf() {
    return this.c.host.definitions;
  }

  create(s: Stmt<'createSkill'>): StmtFn {
    const doc = skillDocument(s.decl, s.span.source.text.slice(s.span.start, s.span.end));
    return () => this.shelf.put('skill', s.decl.name, doc).then(() => undefined, (e) => { throw dataError(e, s.span); });
  }

  drop(s: Stmt<'dropSkill'>): StmtFn {
    const host = this.c.host;
    // as the reference: dropping a skill that is not there is no error (deleted: false)
    return () => this.shelf.remove('skill', s.name).then((deleted) => {
      host.lastValue = { action: 'DROP SKILL', skill: s.name, deleted };
      return undefined;
    }, (e) => { throw dataError(e, s.span); });
  }

  show(s: Stmt<'showSkills'>): StmtFn {
    const host = this.c.host;
    if (s.name !== undefined) {
      const name = s.name;
      return () => this.find(name, s.span).then((d) => { host.lastValue = { action: 'SHOW SKILL', ...skillDetail(d) }; return undefined; });
    }
    return () => this.shelf.list('skill').then((all) => {
      const skills = all.sort((a, b) => String(a.name).localeCompare(String(b.name))).map((d) => ({
        name: d.name, description: d.description, procedure: d.procedure,
        parameters: Array.isArray(d.parameters) ? d.parameters.length : 0, return_type: d.return_type,
      }));
      host.lastValue = { action: 'SHOW SKILLS', count: skills.length, skills };
      return undefined;
    }, (e) => { throw dataError(e, s.span); });
  }

  alter(s: Stmt<'alterSkill'>, scope: BlockScope): StmtFn {
    const value = this.c.expr(s.description, scope);
    const host = this.c.host;
    return (f) => then(value(f), async (v) => {
      const d = await this.find(s.name, s.span);
      const text = v === null ? '' : toText(v);
      await this.shelf.put('skill', s.name, { ...d, description: text }).catch((e) => { throw dataError(e, s.span); });
      host.lastValue = { action: 'ALTER SKILL', skill: s.name, property: 'DESCRIPTION', new_value: text, success: true };
      return undefined;
    });
  }

  generate(s: Stmt<'generateSkill'>, scope: BlockScope): StmtFn {
    const from = this.c.expr(s.from, scope);
    const model = s.model ? this.c.expr(s.model, scope) : () => 'gpt-4';
    const host = this.c.host;
    return (f) => then(from(f), (text) => then(model(f), async (m) => {
      const description = toText(text);
      const modelName = toText(m);
      const ctx = host.callContext(ctxOf(f), s.span);
      // no model is configured in this kernel: the request goes to the outbox and the template is made here
      await toOutbox({ integration: 'llm', fn: 'GENERATE SKILL', method: 'POST', url: `llm://${modelName}`, body: { task: 'generate_skill', description } }, false, ctx);
      const name = s.saveAs ?? suggestedName(description);
      const statement = templateStatement(name, description);
      const result: Doc = {
        action: 'GENERATE SKILL', status: 'template', model: modelName,
        message: 'Generated skill template based on your description. To create this skill, run the CREATE SKILL statement below.',
        suggested_skill: {
          name, description,
          parameters: [{ name: 'input', type: 'STRING', description: 'Input parameter', required: true }],
          return_type: 'DOCUMENT', suggested_procedure_name: `impl_${name}`, create_statement: statement,
        },
      };
      if (s.saveAs !== undefined) {
        const parsed = tryParse(statement, `<skill ${name}>`);
        const create = parsed.ok ? parsed.program.body.find((x): x is Stmt<'createSkill'> => x.kind === 'createSkill') : undefined;
        if (!create) throw new ScriptError('internal_error', `the template of skill ${name} does not parse`, s.span);
        await this.shelf.put('skill', name, skillDocument(create.decl, statement)).catch((e) => { throw dataError(e, s.span); });
        result.save_as = name;
        result.saved = true;
      }
      host.lastValue = result;
      return undefined;
    }));
  }

  run(s: Stmt<'runSkill'>, scope: BlockScope): StmtFn {
    const host = this.c.host;
    const call = this.c.calls.callResolved(() => this.load(s.name, s.span), s.args, s.names, s.span, scope);
    return (f) => then(call(f), (v) => { host.lastValue = v; return undefined; });
  }

  private async find(name: string, span: A.Span): Promise<Doc> {
    let d: Doc | undefined;
    try {
      d = await this.shelf.get('skill', name);
    } catch (e) {
      throw dataError(e, span);
    }
    if (!d) throw new ScriptError('not_found_error', `skill ${name} does not exist`, span);
    return d;
  }

  /** The skill as a function of its parameters that returns what its procedure returns. */
  private async load(name: string, span: A.Span): Promise<CompiledRoutine> {
    const d = await this.find(name, span);
    const source = String(d.source ?? '');
    const have = this.compiled.get(source);
    if (have) return have;
    const parsed = tryParse(source, `<skill ${name}>`);
    const create = parsed.ok ? parsed.program.body.find((x): x is Stmt<'createSkill'> => x.kind === 'createSkill') : undefined;
    if (!create) throw new ScriptError('not_found_error', `stored skill ${name} no longer parses`, span);
    const k = create.decl;
    if (!k.procedure) throw new ScriptError('argument_error', `skill ${name} names no PROCEDURE to run`, span);
    const call: A.Expr = { kind: 'callProc', name: k.procedure.name, args: k.procedure.args, span: k.procedure.span };
    const decl: A.RoutineDecl = {
      name, routine: 'FUNCTION', label: `skill ${name}`, returns: k.returns, span: k.span,
      params: k.params.map((p) => ({ name: p.name, mode: 'IN', type: p.type, default: p.default, span: p.span })),
      body: [{ kind: 'return', value: call, span: k.procedure.span }],
    };
    const compiled = this.c.calls.compileRoutine(decl, null);
    this.compiled.set(source, compiled);
    return compiled;
  }
}

function textOf(sp: A.Span): string {
  return sp.source.text.slice(sp.start, sp.end);
}

function skillDocument(k: A.SkillDecl, source: string): Doc {
  return {
    name: k.name,
    description: k.description ?? null,
    parameters: k.params.map((p) => ({
      name: p.name, type: typeText(p.type), description: p.description ?? null, required: p.default === undefined,
      default: p.default ? textOf(p.default.span) : null,
    })),
    return_type: k.returns ? typeText(k.returns) : null,
    examples: k.examples,
    procedure: k.procedure?.name ?? null,
    procedure_args: k.procedure ? k.procedure.args.map((a) => textOf(a.span)) : [],
    source,
    created_at: new Date().toISOString(),
  };
}

const JSON_TYPES: Record<string, string> = { NUMBER: 'number', BOOLEAN: 'boolean', ARRAY: 'array', DOCUMENT: 'object', MAP: 'object' };

/** SHOW SKILL's answer: the stored facts and the MCP tool specification an agent framework takes. */
function skillDetail(d: Doc): Doc {
  const params = (Array.isArray(d.parameters) ? d.parameters : []) as Doc[];
  const properties: Doc = {};
  for (const p of params) {
    const base = String(p.type ?? 'STRING').split(' ')[0];
    properties[String(p.name)] = { type: JSON_TYPES[base] ?? 'string', description: p.description ?? '' };
  }
  const spec: Doc = {
    name: d.name, description: d.description ?? '',
    inputSchema: { type: 'object', properties, required: params.filter((p) => p.required === true).map((p) => p.name as Value) },
  };
  if (Array.isArray(d.examples) && d.examples.length) spec.examples = d.examples;
  return {
    name: d.name, description: d.description, procedure: d.procedure, procedure_args: d.procedure_args,
    return_type: d.return_type, examples: d.examples, parameters: params, mcp_tool_spec: spec,
  };
}

const STOP_WORDS = new Set(['the', 'and', 'for', 'that', 'are', 'with', 'from', 'this', 'these', 'those', 'which', 'who',
  'whom', 'was', 'were', 'been', 'has', 'have', 'had', 'does', 'did', 'will', 'would', 'could', 'should', 'may', 'might',
  'must', 'find', 'get', 'show', 'display', 'list', 'search', 'into', 'based', 'using']);

/** A name from the words of a description that carry meaning (at most four): "Find products that are running low on inventory" -> products_running_low_inventory. */
export function suggestedName(description: string): string {
  const words = description.toLowerCase().replace(/[^a-z0-9\s]/g, ' ').split(/\s+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !['on', 'in', 'at', 'to', 'of', 'by', 'as', 'is', 'be', 'do', 'or', 'an'].includes(w));
  return words.slice(0, 4).join('_') || 'generated_skill';
}

function templateStatement(name: string, description: string): string {
  const quoted = description.replace(/'/g, "''");
  return `CREATE SKILL ${name}(input STRING)\n  RETURNS DOCUMENT\n  DESCRIPTION '${quoted}'\n  EXAMPLES 'Example query for ${name}'\n  PROCEDURE impl_${name}(input)\nEND SKILL`;
}
