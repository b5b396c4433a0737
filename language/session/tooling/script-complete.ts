// elastic-script completion: the elastic-script grammar says what may come at the cursor (statement keywords, a
// type after a declared name, pipeline stages after an async call's `|`, EXECUTION verbs, an identifier) and the
// rule that expects an identifier says which names fit: a CALL takes a routine, SET and OPEN a variable, an
// index target an index, an expression any variable, routine or built-in; a `.` after a variable whose value is
// known takes its document keys. Inside strings: track names in EXECUTION('...'), index names where the grammar
// or a built-in's parameter takes an index.
import type { CompletionItem } from '../../contract';
import { KEYWORDS, elasticScriptGrammar } from '../../grammar/grammar';
import { signatureOf } from '../../builtins/registry';
import { routineSignature } from '../../routines';
import { typeText } from '../../evaluator/types';
import { isDoc, typeOf, Value } from '../../values';
import { ToolingContext, WORD_CHAR, tokenStart } from './context';
import { Expectation, ExpectationReader } from './expectations';
import type { Token } from './scan';
import type { StoreNames } from './store-names';
import { Named, Suggestions, keywordCase, keywordPhrases, keywordsOf } from './suggestions';
import { rowColumns } from './row-variables';

let reader: ExpectationReader | undefined;

function scriptReader(): ExpectationReader {
  reader ??= new ExpectationReader(elasticScriptGrammar());
  return reader;
}

const STRING_TEXT = /[^'"\s]/;

/** Which names an identifier expected by each rule stands for. */
const NAME_KINDS: Record<string, ('variables' | 'routines' | 'builtins' | 'indices')[]> = {
  PrimaryExp: ['variables', 'routines', 'builtins'],
  AsyncCallStmt: ['variables', 'routines', 'builtins'],
  AsyncExp: ['variables', 'routines', 'builtins'],
  CallTarget: ['routines'],
  Handler: ['routines', 'builtins'],
  CallExpr: ['routines'],
  DropRoutine: ['routines'],
  ShowRoutines: ['routines'],
  EsqlStmt: ['routines'],
  LValue: ['variables'],
  OpenStmt: ['variables'],
  CloseStmt: ['variables'],
  FetchStmt: ['variables'],
  ImmediateInto: ['variables'],
  BulkCollectStmt: ['variables'],
  IndexTarget: ['indices', 'variables'],
  // a name being declared (DECLARE x, FOR i, a parameter, a new routine) gets no suggestions
};
const TYPE_RULES = new Set(['typeName', 'Type']);

export interface ScriptCompletion {
  start: number;
  tokenChars: RegExp;
  items: CompletionItem[];
}

/** Completions for the word that ends at `cursor`, outside strings and ES|QL. */
export async function completeScript(ctx: ToolingContext, names: StoreNames, code: string, cursor: number, statementStart: number): Promise<ScriptCompletion> {
  const r = scriptReader();
  const start = tokenStart(code, cursor);
  const typed = code.slice(start, cursor);
  const result = (items: CompletionItem[]) => ({ start, tokenChars: WORD_CHAR, items });
  if (code[start - 1] === '@' || /^[0-9]/.test(typed)) return result([]);
  // the whole cell before the cursor, or only its statement when something before it does not parse
  let prefix = code.slice(0, start);
  let expected = r.at(prefix);
  if (!expected && statementStart > 0 && statementStart <= start) {
    prefix = code.slice(statementStart, start);
    expected = r.at(prefix);
  }
  const style = keywordCase(typed, code.slice(0, start), (w) => r.rulesOfKeyword(w).size > 0);
  const out = new Suggestions(typed);
  if (!expected) {
    addNames(out, ctx, code, cursor, ['variables', 'routines', 'builtins'], style);
    return result(out.add('keyword', KEYWORDS.map(style)).list());
  }
  const member = memberPath(code.slice(0, start));
  if (member && expected.some((e) => e.rule === 'idStart')) out.add('property', await documentKeys(ctx, names, code.slice(0, start), member));
  const kinds = new Set(expected.filter((e) => e.text === 'an identifier').flatMap((e) => NAME_KINDS[e.rule] ?? []));
  const keywords = keywordsFor(r, expected, code.slice(statementStart, start));
  // where a type is expected, the keywords that spell types (NUMBER, ARRAY, MAP, ...) are types
  const typePosition = expected.some((e) => e.rule === 'typeName');
  const isType = (k: string) => typePosition && [...r.rulesOfKeyword(k)].some((rule) => TYPE_RULES.has(rule));
  out.add('type', keywords.filter(isType).map(style));
  if (kinds.has('indices')) out.add('index', (await names.indices()).filter((i) => !i.startsWith('.')).map((i) => `'${i}'`));
  addNames(out, ctx, code, cursor, [...kinds].filter((k) => k !== 'builtins' && k !== 'indices'), style);
  out.add('keyword', keywordPhrases(r, prefix, keywords.filter((k) => !isType(k)), typed).map(style));
  if (kinds.has('builtins')) addNames(out, ctx, code, cursor, ['builtins'], style);
  return result(out.list());
}

/**
 * The keywords expected here. After `EXECUTION(x) |` (a statement or an expression) the grammar also allows an
 * async call's stages (a procedure could be named EXECUTION); only the execution's verbs are meant.
 */
function keywordsFor(r: ExpectationReader, expected: Expectation[], statement: string): string[] {
  const keywords = keywordsOf(expected);
  if (!/\bEXECUTION\s*\(.*\)\s*\|\s*$/is.test(statement)) return keywords;
  const verbs = keywords.filter((k) => r.rulesOfKeyword(k).has('ExecutionOp'));
  return verbs.length ? verbs : keywords;
}

/** Completions inside an unterminated string: execution track names, or index names where an index is taken. */
export async function completeInString(ctx: ToolingContext, names: StoreNames, code: string, cursor: number, token: Token, before: Token[]): Promise<ScriptCompletion> {
  const start = Math.max(token.start + 1, tokenStart(code, cursor, STRING_TEXT));
  const out = new Suggestions(code.slice(start, cursor));
  const callee = openCall(before);
  if (callee?.name.toUpperCase() === 'EXECUTION' && callee.argument === 0) {
    out.add('execution', await names.trackNames(), { sorted: false });
  } else if (takesIndex(ctx, code, token, callee)) {
    out.add('index', (await names.indices()).filter((i) => !i.startsWith('.') || out.typed.startsWith('.')));
  }
  return { start, tokenChars: STRING_TEXT, items: out.list() };
}

function takesIndex(ctx: ToolingContext, code: string, token: Token, callee: { name: string; argument: number } | null): boolean {
  const expected = scriptReader().at(code.slice(0, token.start));
  if (expected?.some((e: Expectation) => e.rule === 'IndexTarget')) return true;
  if (!callee) return false;
  const param = ctx.builtins.lookup(callee.name)?.params[callee.argument];
  return !!param && /index/i.test(param.name);
}

/** The call whose parentheses are open at the end of `tokens`, and which argument the end is in. */
function openCall(tokens: Token[]): { name: string; argument: number } | null {
  let depth = 0;
  let argument = 0;
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k].text;
    if (t === ')' || t === ']' || t === '}') depth++;
    else if (t === '(' || t === '[' || t === '{') {
      if (depth === 0) return t === '(' && tokens[k - 1]?.kind === 'word' ? { name: tokens[k - 1].text, argument } : null;
      depth--;
    } else if (t === ',' && depth === 0) argument++;
  }
  return null;
}

function addNames(out: Suggestions, ctx: ToolingContext, code: string, cursor: number, kinds: string[], style: (w: string) => string): void {
  if (kinds.includes('variables')) {
    out.add('variable', ctx.variables().map((c) => ({ text: c.name, signature: c.type ? typeText(c.type) : typeOf(c.v) })), { caseSensitive: true });
    out.add('variable', declaredInCell(code.slice(0, cursor)), { caseSensitive: true });
  }
  if (kinds.includes('routines')) {
    for (const kind of ['PROCEDURE', 'FUNCTION'] as const) {
      const defined = [...ctx.routines.all(kind)].map((r) => ({ text: r.decl.name, signature: routineSignature(r.decl) }));
      out.add(kind === 'PROCEDURE' ? 'procedure' : 'function', [...defined, ...routinesInCell(code, kind)], { caseSensitive: true });
    }
  }
  if (kinds.includes('builtins')) {
    const builtins = ctx.builtins;
    out.add('function', builtins.names().map((n) => ({ text: style(n), signature: signatureOf(builtins.lookup(n)!) })));
  }
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

/** Variables and parameters the cell declares before the cursor (not run yet, so not session variables). */
function declaredInCell(text: string): Named[] {
  const out: Named[] = [];
  for (const m of text.matchAll(new RegExp(`\\b(?:DECLARE|VAR|CONST|FOR|FORALL)\\s+(${IDENT})(?:\\s+(${IDENT}))?`, 'gi'))) {
    const type = m[2] && !/^(CURSOR|IN)$/i.test(m[2]) ? m[2].toUpperCase() : undefined;
    out.push({ text: m[1], signature: type });
  }
  for (const m of text.matchAll(new RegExp(`\\b(?:PROCEDURE|FUNCTION)\\s+${IDENT}\\s*\\(([^)]*)\\)`, 'gi'))) {
    for (const p of m[1].split(',')) {
      const words = p.trim().split(/\s+/).filter((w) => !/^(IN|OUT|INOUT)$/i.test(w));
      if (words[0] && new RegExp(`^${IDENT}$`).test(words[0])) out.push({ text: words[0], signature: words[1]?.toUpperCase() });
    }
  }
  return out;
}

/** Routines the cell creates (before they exist in the session). */
function routinesInCell(code: string, kind: 'PROCEDURE' | 'FUNCTION'): Named[] {
  const re = new RegExp(`\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?${kind}\\s+(${IDENT})\\s*(\\([^)]*\\))`, 'gi');
  return [...code.matchAll(re)].map((m) => ({ text: m[1], signature: `${m[1]}${m[2].replace(/\s+/g, ' ')}` }));
}

export interface MemberPath {
  root: string;
  path: (string | number)[];
  /** As written: `rows[0].details`. */
  text: string;
}

/** `incident.` or `rows[0].details.` before the cursor: the variable and the keys / indexes after it. */
export function memberPath(before: string): MemberPath | null {
  const m = new RegExp(`(${IDENT})((?:\\??\\.${IDENT}|\\[\\s*(?:\\d+|'[^']*'|"[^"]*")\\s*\\])*)\\??\\.$`).exec(before);
  if (!m) return null;
  const path: (string | number)[] = [];
  for (const a of m[2].matchAll(new RegExp(`\\??\\.(${IDENT})|\\[\\s*(?:(\\d+)|'([^']*)'|"([^"]*)")\\s*\\]`, 'g'))) {
    path.push(a[2] !== undefined ? Number(a[2]) : (a[1] ?? a[3] ?? a[4]));
  }
  return { root: m[1], path, text: m[1] + m[2] };
}

/** The value at `path` inside a session variable, or undefined when it is not known. */
export function valueAt(ctx: ToolingContext, member: Pick<MemberPath, 'root' | 'path'>): Value | undefined {
  let v: Value | undefined = ctx.variable(member.root)?.v;
  for (const step of member.path) {
    if (typeof step === 'number' && Array.isArray(v)) v = v[step];
    else if (typeof step === 'string' && isDoc(v)) v = v[step];
    else return undefined;
  }
  return v;
}

/** The keys after `member.`: of the variable's value when it holds one, else the columns of the query it loops over. */
async function documentKeys(ctx: ToolingContext, names: StoreNames, before: string, member: MemberPath): Promise<Named[]> {
  const plain = (k: string) => new RegExp(`^${IDENT}$`).test(k);
  const v = valueAt(ctx, member);
  if (isDoc(v)) return Object.entries(v).filter(([k]) => plain(k)).map(([k, x]) => ({ text: k, signature: typeOf(x) }));
  if (v !== undefined || member.path.length > 0) return [];
  const columns = await rowColumns(names, before, member.root);
  return (columns ?? []).filter((c) => plain(c.name)).map((c) => ({ text: c.name, signature: c.type || undefined }));
}
