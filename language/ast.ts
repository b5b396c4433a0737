// The elastic-script AST: plain read-only objects, discriminated on `kind`, each with the span of its source.
// Built by grammar/to-ast.ts; the evaluator never sees Ohm nodes.
import type { PrintLevel } from './contract';

/** The text a span points into (a cell, a script file, or a stored procedure's source). */
export interface SourceText {
  readonly name: string;
  readonly text: string;
}

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly source: SourceText;
}


export type TypeRef =
  | { kind: 'simple'; name: string }
  | { kind: 'array'; of?: TypeRef }
  | { kind: 'map'; key?: TypeRef; value?: TypeRef }
  /** A user-defined record type (CREATE TYPE name AS RECORD (...)), looked up when a value is checked. */
  | { kind: 'named'; name: string };

/** An ES|QL fragment kept as raw text, with where it sits in the script. */
export interface EsqlText {
  readonly text: string;
  readonly span: Span;
}

export interface Param {
  readonly name: string;
  readonly mode: 'IN' | 'OUT' | 'INOUT';
  readonly type?: TypeRef;
  readonly default?: Expr;
  readonly span: Span;
}

export interface RoutineDecl {
  readonly name: string;
  readonly routine: 'PROCEDURE' | 'FUNCTION';
  readonly params: Param[];
  readonly returns?: TypeRef;
  readonly body: Stmt[];
  readonly span: Span;
  /** How errors name it when it is not a plain procedure or function (`intent greet`, `skill find_users`). */
  readonly label?: string;
}

/**
 * The name of a named argument (`to: v`, or `to => v`), parallel to a call's `args` (present only when some
 * argument has a name). With `=>` the argument itself is the one-parameter lambda `to => v`, which is what it
 * means when the callee has no parameter `to` (built-ins, `ARRAY_MAP(a, x => x * 2)`); otherwise its body is
 * the value.
 */
export interface ArgName {
  readonly name: string;
  readonly arrow: boolean;
  /** The whole argument, name included. */
  readonly span: Span;
}

// ------------------------------------------------------------------ expressions
export type Expr =
  | { kind: 'literal'; value: null | number | bigint | string | boolean; span: Span }
  | { kind: 'template'; parts: (string | Expr)[]; span: Span }
  | { kind: 'array'; items: Expr[]; span: Span }
  | { kind: 'document'; fields: { key: string; value: Expr }[]; span: Span }
  | { kind: 'map'; entries: { key: Expr; value: Expr }[]; span: Span }
  | { kind: 'var'; name: string; span: Span }
  | { kind: 'at'; name: string; span: Span }
  | { kind: 'unary'; op: '-' | '+' | 'NOT'; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'logical'; op: 'AND' | 'OR' | '??'; left: Expr; right: Expr; span: Span }
  | { kind: 'ternary'; cond: Expr; then: Expr; else: Expr; span: Span }
  | { kind: 'isNull'; negated: boolean; operand: Expr; span: Span }
  | { kind: 'in'; negated: boolean; operand: Expr; list: Expr[] | Expr; span: Span }
  | { kind: 'like'; negated: boolean; operand: Expr; pattern: Expr; span: Span }
  | { kind: 'between'; negated: boolean; operand: Expr; low: Expr; high: Expr; span: Span }
  | { kind: 'call'; callee: Expr; args: Expr[]; names?: (ArgName | undefined)[]; span: Span }
  | { kind: 'callProc'; name: string; args: Expr[]; names?: (ArgName | undefined)[]; span: Span }
  | { kind: 'field'; object: Expr; name: string; safe: boolean; span: Span }
  | { kind: 'index'; object: Expr; index: Expr; span: Span }
  | { kind: 'cursorAttr'; cursor: Expr; attr: 'NOTFOUND' | 'FOUND' | 'ROWCOUNT' | 'ISOPEN'; span: Span }
  | { kind: 'lambda'; params: string[]; body: Expr; span: Span }
  | { kind: 'case'; subject?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr; span: Span }
  | { kind: 'searchExpr'; target: Expr; query: Expr; span: Span }
  /** A launch (`p() | ...`, `PARALLEL [...] | ...`) or `EXECUTION(x) | VERB` used as a value. */
  | { kind: 'async'; stmt: AsyncStmt; span: Span };

/** The statements that are also expressions (see `async` above). */
export type AsyncStmt = Extract<Stmt, { kind: 'asyncCall' | 'parallel' | 'execution' }>;

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '||' | '==' | '!=' | '<' | '<=' | '>' | '>=';

// ------------------------------------------------------------------ statements
export type Accessor = { kind: 'index'; index: Expr; span: Span } | { kind: 'field'; name: string; span: Span };

export interface VarDecl {
  readonly name: string;
  readonly type?: TypeRef;
  readonly init?: Expr;
  readonly span: Span;
}

export interface PipeStage {
  readonly op: string; // ON_DONE, ON_FAIL, FINALLY, ON_ALL_DONE, ..., TRACK, TIMEOUT, RETRY
  readonly handler?: { kind: 'call'; name: string; args: Expr[] } | { kind: 'lambda'; params: Expr[]; body: Stmt[] };
  readonly value?: Expr;
  readonly unit?: string;
  readonly option?: Expr | string;
  readonly span: Span;
}

export type Stmt =
  | { kind: 'createRoutine'; orReplace: boolean; decl: RoutineDecl; span: Span }
  | { kind: 'localFunction'; decl: RoutineDecl; span: Span }
  | { kind: 'dropRoutine'; routine: 'PROCEDURE' | 'FUNCTION'; name: string; span: Span }
  | { kind: 'showRoutines'; routine: 'PROCEDURE' | 'FUNCTION'; name?: string; span: Span }
  | { kind: 'declare'; mode: 'DECLARE' | 'VAR' | 'CONST'; decls: VarDecl[]; span: Span }
  | { kind: 'declareCursor'; name: string; query: EsqlText; call?: undefined; span: Span }
  /** `DECLARE c CURSOR FOR ESQL_QUERY(...)`: the call runs at OPEN. */
  | { kind: 'declareCursor'; name: string; query?: undefined; call: Expr; span: Span }
  | { kind: 'declareFrom'; name: string; type: TypeRef; query: EsqlText; span: Span }
  | { kind: 'set'; name: string; path: Accessor[]; value: Expr; span: Span }
  | { kind: 'print'; level?: PrintLevel; value: Expr; span: Span }
  | { kind: 'display'; value: Expr; span: Span }
  | { kind: 'if'; branches: { cond: Expr; body: Stmt[] }[]; else?: Stmt[]; span: Span }
  | { kind: 'forRange'; var: string; reverse: boolean; from: Expr; to: Expr; step?: Expr; body: Stmt[]; span: Span }
  | { kind: 'forEach'; var: string; iterable: Expr; body: Stmt[]; span: Span }
  | { kind: 'forEsql'; var: string; query: EsqlText; body: Stmt[]; span: Span }
  | { kind: 'while'; cond: Expr; body: Stmt[]; span: Span }
  | { kind: 'loop'; body: Stmt[]; span: Span }
  | { kind: 'exit'; when?: Expr; span: Span }
  | { kind: 'continue'; when?: Expr; span: Span }
  | { kind: 'return'; value?: Expr; span: Span }
  | { kind: 'try'; body: Stmt[]; catches: { type?: string; body: Stmt[]; span: Span }[]; finally?: Stmt[]; span: Span }
  | { kind: 'throw'; value: Expr; code?: Expr; span: Span }
  | { kind: 'switch'; value: Expr; cases: { match: Expr; body: Stmt[] }[]; default?: Stmt[]; span: Span }
  | { kind: 'expr'; expr: Expr; span: Span }
  | { kind: 'executeImmediate'; query: Expr; into: string[]; using: Expr[]; span: Span }
  | { kind: 'open'; cursor: string; span: Span }
  | { kind: 'close'; cursor: string; span: Span }
  | { kind: 'fetch'; cursor: string; limit?: Expr; into: string; span: Span }
  | { kind: 'forall'; var: string; iterable: Expr; action: Expr; saveExceptions: boolean; span: Span }
  | { kind: 'bulkCollect'; into: string; query: EsqlText; span: Span }
  | { kind: 'indexDoc'; doc: Expr; target: Expr; span: Span }
  | { kind: 'deleteWhere'; target: Expr; where: Expr; span: Span }
  | { kind: 'search'; target: Expr; query: Expr; into?: string; span: Span }
  | { kind: 'refresh'; target: Expr; span: Span }
  | { kind: 'createIndex'; target: Expr; settings?: Expr; mappings?: Expr; body?: Expr; span: Span }
  | { kind: 'asyncCall'; name: string; args: Expr[]; stages: PipeStage[]; span: Span }
  | { kind: 'parallel'; calls: { name: string; args: Expr[]; span: Span }[]; max?: Expr; stages: PipeStage[]; span: Span }
  | { kind: 'execution'; target: Expr; op: string; args: Expr[]; span: Span }
  | { kind: 'executions'; where?: EsqlText; span: Span }
  | { kind: 'esql'; query: EsqlText; into?: Expr; process?: { procedure: string; batch?: Expr }; span: Span }
  | { kind: 'empty'; span: Span }
  | DefinitionStmt
  | AgentStmt;

// ------------------------------------------------------------------ intents, skills, profiler

/** A named argument of `INTENT name WITH p = v, ...` and `RUN SKILL name WITH ...`. */
export interface WithArg {
  readonly name: string;
  readonly value: Expr;
  readonly span: Span;
}

export interface IntentDecl {
  readonly name: string;
  readonly params: Param[];
  readonly description?: string;
  /** REQUIRES conditions, each checked before ACTIONS run. */
  readonly requires: Expr[];
  readonly actions: Stmt[];
  readonly onFailure?: Stmt[];
  readonly span: Span;
}

export interface SkillParam {
  readonly name: string;
  readonly type: TypeRef;
  readonly description?: string;
  readonly default?: Expr;
  readonly span: Span;
}

export interface SkillDecl {
  readonly name: string;
  readonly params: SkillParam[];
  readonly returns?: TypeRef;
  readonly description?: string;
  readonly examples: string[];
  /** The procedure the skill runs, with its arguments (expressions over the skill's parameters). */
  readonly procedure?: { name: string; args: Expr[]; span: Span };
  readonly span: Span;
}

export type AgentStmt =
  | { kind: 'defineIntent'; decl: IntentDecl; span: Span }
  | { kind: 'invokeIntent'; name: string; args: Expr[]; names?: (ArgName | undefined)[]; span: Span }
  | { kind: 'createSkill'; orReplace: boolean; decl: SkillDecl; span: Span }
  | { kind: 'dropSkill'; name: string; span: Span }
  | { kind: 'showSkills'; name?: string; span: Span }
  | { kind: 'alterSkill'; name: string; description: Expr; span: Span }
  | { kind: 'generateSkill'; from: Expr; model?: Expr; saveAs?: string; span: Span }
  | { kind: 'runSkill'; name: string; args: Expr[]; names?: (ArgName | undefined)[]; span: Span }
  | { kind: 'profileCall'; call: Extract<Expr, { kind: 'callProc' }>; span: Span }
  | { kind: 'profiles'; op: 'show' | 'showAll' | 'analyze' | 'clear'; name?: string; span: Span };

// ------------------------------------------------------------------ packages, record types, security
/** A member declared in a package specification. */
export interface PackageSpecItem {
  readonly member: 'PROCEDURE' | 'FUNCTION' | 'VARIABLE';
  readonly name: string;
  readonly isPublic: boolean;
  readonly params?: Param[];
  readonly returns?: TypeRef;
  readonly type?: TypeRef;
  readonly init?: Expr;
  readonly span: Span;
}

export interface Principal {
  readonly type: 'ROLE' | 'USER';
  readonly name: string;
}

export type SecuredObjectType = 'PROCEDURE' | 'FUNCTION' | 'PACKAGE' | 'JOB' | 'TRIGGER';

export type DefinitionStmt =
  | { kind: 'createPackage'; name: string; items: PackageSpecItem[]; span: Span }
  | { kind: 'createPackageBody'; name: string; routines: RoutineDecl[]; span: Span }
  | { kind: 'dropPackage'; name: string; span: Span }
  | { kind: 'showPackage'; name: string; span: Span }
  | { kind: 'createType'; name: string; fields: { name: string; type: TypeRef; span: Span }[]; span: Span }
  | { kind: 'dropType'; name: string; span: Span }
  | { kind: 'showTypes'; name?: string; span: Span }
  | { kind: 'grant'; revoke: boolean; privileges: string[]; objectType: SecuredObjectType; objectName: string; principal: Principal; span: Span }
  | { kind: 'createRole'; name: string; description?: string; span: Span }
  | { kind: 'dropRole'; name: string; span: Span }
  | { kind: 'showPermissions'; principal?: Principal; span: Span }
  | { kind: 'showRole'; name: string; span: Span };

export interface Program {
  readonly body: Stmt[];
  readonly source: SourceText;
}
