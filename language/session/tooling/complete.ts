// complete_request: the names that start with the word before the cursor (variables, routines, built-ins,
// keywords, and names the cell itself declares).
import type { Completion } from '../../contract';
import { KEYWORDS, elasticScriptGrammar } from '../../grammar/grammar';
import { ToolingContext, wordEnd, wordStart } from './context';

export function complete(session: ToolingContext, code: string, cursor: number): Completion {
  const start = wordStart(code, cursor);
  const end = wordEnd(code, cursor);
  const prefix = code.slice(start, cursor);
  const upper = prefix.toUpperCase();
  const names = new Set<string>();
  const add = (n: string, caseSensitive: boolean) => {
    if (caseSensitive ? n.startsWith(prefix) : n.toUpperCase().startsWith(upper)) names.add(n);
  };
  for (const c of session.variables()) add(c.name, true);
  for (const m of code.matchAll(/\b(?:DECLARE|VAR|CONST|FOR)\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) add(m[1], true);
  for (const r of session.routines.all('PROCEDURE')) add(r.decl.name, true);
  for (const r of session.routines.all('FUNCTION')) add(r.decl.name, true);
  for (const n of session.builtins.names()) add(n, false);
  for (const k of keywordList()) add(k, false);
  names.delete(prefix === '' ? '\0' : '');
  return { matches: [...names].sort(), cursorStart: start, cursorEnd: end };
}

let keywords: string[] | undefined;
function keywordList(): string[] {
  if (!keywords) {
    elasticScriptGrammar();
    keywords = KEYWORDS.slice();
  }
  return keywords;
}
