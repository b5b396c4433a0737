// Named arguments (`CALL send_email(to: 'a@b.c', subject: 'Hi')`, also `to => ...`): which parameter each
// argument of a call goes to. Positional arguments come first; a name must be a parameter of the routine and
// appear once; a parameter that is not given needs a DEFAULT (or is OUT). Worked out once per routine version
// a call site meets (routines can be redefined between runs), before any argument is evaluated.
import type * as A from '../ast';
import { ScriptError } from '../errors';

export interface ArgPlan {
  /** For each argument in source order: the index of the parameter it binds. */
  readonly param: number[];
  /** For each argument: evaluate the body of its `name => value` (true) or the argument as written (false). */
  readonly useBody: boolean[];
  /** For each parameter: whether the call gives it. */
  readonly given: boolean[];
  readonly allGiven: boolean;
}

/**
 * Maps a call's arguments onto the routine's parameters, or throws the `argument_error` of the first problem,
 * at the argument it is about (`line:column` of that argument) or at the call for a missing one.
 */
export function planArgs(decl: A.RoutineDecl, args: A.Expr[], names: (A.ArgName | undefined)[], site: A.Span): ArgPlan {
  const params = decl.params;
  const what = decl.label ?? `${decl.routine.toLowerCase()} ${decl.name}`;
  const byName = new Map(params.map((p, i) => [p.name, i]));
  const param: number[] = [];
  const useBody: boolean[] = [];
  const given = params.map(() => false);
  const byPosition = params.map(() => false);
  let positional = 0;
  let firstNamed: A.ArgName | undefined;
  for (let i = 0; i < args.length; i++) {
    const n = names[i];
    // `x => e` names a parameter only when the routine has one called x; otherwise it is a lambda value
    const named = n !== undefined && (!n.arrow || byName.has(n.name));
    if (named) {
      const p = byName.get(n.name);
      if (p === undefined) {
        const list = params.length ? params.map((q) => q.name).join(', ') : 'none';
        throw new ScriptError('argument_error', `${what} has no parameter named ${n.name} (its parameters: ${list})`, n.span);
      }
      if (given[p]) {
        const how = byPosition[p] ? 'by position and by name' : 'twice by name';
        throw new ScriptError('argument_error', `${what}: parameter ${n.name} is given ${how}`, n.span);
      }
      firstNamed ??= n;
      given[p] = true;
      param.push(p);
      useBody.push(n.arrow);
      continue;
    }
    if (firstNamed !== undefined) {
      throw new ScriptError('argument_error',
        `${what}: a positional argument cannot follow named arguments (${firstNamed.name} is named; give the rest by name too)`, args[i].span);
    }
    if (positional >= params.length) {
      throw new ScriptError('argument_error', `${what} expects at most ${params.length} argument(s), got ${args.length}`, args[i].span);
    }
    given[positional] = byPosition[positional] = true;
    param.push(positional++);
    useBody.push(false);
  }
  const missing = params.filter((p, i) => !given[i] && p.mode !== 'OUT' && !p.default).map((p) => p.name);
  if (missing.length) {
    throw new ScriptError('argument_error',
      `${what}: missing argument${missing.length > 1 ? 's' : ''} for parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, site);
  }
  return { param, useBody, given, allGiven: given.every((g) => g) };
}

/** A call with named arguments whose callee has no parameter names (a built-in or a function value). */
export function namesNotAccepted(callee: string, names: (A.ArgName | undefined)[]): ScriptError | undefined {
  const n = names.find((x) => x !== undefined && !x.arrow);
  if (n === undefined) return undefined;
  return new ScriptError('argument_error',
    `${callee} takes its arguments by position: named arguments (${n.name}: ...) work with procedures and functions created with CREATE`, n.span);
}
