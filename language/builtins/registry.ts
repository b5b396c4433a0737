// The built-in function table. One entry per function: name, signature, one-line doc and implementation.
// Evaluation, completion and `inspect` all read this table.
import type { Output } from '../contract';
import type { DefinitionShelf } from '../definitions';
import type { Span } from '../ast';
import type { Services } from '../evaluator/runtime';
import type { Value, FunctionValue } from '../values';
import type { Outbox } from '../outbox';
import type { IntegrationSettings } from '../config';

export interface ParamSpec {
  readonly name: string;
  readonly type: string; // NUMBER, STRING, ANY, ARRAY, FUNCTION, ...
  readonly optional?: boolean;
  readonly variadic?: boolean;
}

/** What a built-in may use besides its arguments. */
export interface CallContext {
  readonly out: Output;
  readonly signal: AbortSignal;
  readonly services: Services;
  readonly span: Span | undefined;
  /** Calls a function value (lambda or routine reference) with arguments. */
  call(fn: FunctionValue, args: Value[]): Value | Promise<Value>;
  /** Session introspection (variables, routines) for ESCRIPT_* functions. */
  readonly session: SessionView;
  /** The ESCRIPT_* environment variables (what ENV() reads). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Dry run and credentials for the integrations. */
  readonly integrations: IntegrationSettings;
  /** Where integrations record what they would have sent. */
  readonly outbox: Outbox;
}

export interface RoutineInfo {
  readonly name: string;
  readonly kind: 'PROCEDURE' | 'FUNCTION';
  readonly params: readonly { name: string; type: string; mode: string; hasDefault: boolean }[];
  readonly returns: string | null;
  readonly signature: string;
  readonly source: string;
}

export interface SessionView {
  /** Session (top-level) variables. */
  variables(): { name: string; type: string; value: Value }[];
  routines(kind: 'PROCEDURE' | 'FUNCTION'): RoutineInfo[];
  builtins(): BuiltinDef[];
  /** Intents, skills and profiles (ESCRIPT_INTENTS and ESCRIPT_INTENT read them). */
  readonly definitions: DefinitionShelf;
}

export interface BuiltinDef {
  readonly name: string;
  readonly category: string;
  readonly params: readonly ParamSpec[];
  readonly returns: string;
  readonly doc: string;
  readonly impl: (args: Value[], ctx: CallContext) => Value | Promise<Value>;
  readonly aliases?: readonly string[];
}

export function signatureOf(def: BuiltinDef): string {
  const ps = def.params.map((p) => {
    const s = `${p.variadic ? '...' : ''}${p.name} ${p.type}`;
    return p.optional ? `[${s}]` : s;
  });
  return `${def.name}(${ps.join(', ')}) RETURNS ${def.returns}`;
}

const arities = new WeakMap<BuiltinDef, { min: number; max: number }>();

/** How many arguments a built-in accepts (computed once per definition: calls check it every time). */
export function arityOf(def: BuiltinDef): { min: number; max: number } {
  let a = arities.get(def);
  if (!a) {
    a = {
      min: def.params.filter((p) => !p.optional && !p.variadic).length,
      max: def.params.some((p) => p.variadic) ? Infinity : def.params.length,
    };
    arities.set(def, a);
  }
  return a;
}

export class Registry {
  private readonly byName = new Map<string, BuiltinDef>();

  define(...defs: BuiltinDef[]): this {
    for (const def of defs) {
      for (const n of [def.name, ...(def.aliases ?? [])]) {
        const key = n.toUpperCase();
        if (this.byName.has(key)) throw new Error(`built-in ${key} registered twice`);
        this.byName.set(key, def);
      }
    }
    return this;
  }

  /** Case-insensitive lookup (built-in names are keywords). */
  lookup(name: string): BuiltinDef | undefined {
    return this.byName.get(name.toUpperCase());
  }

  all(): BuiltinDef[] {
    return [...new Set(this.byName.values())];
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
