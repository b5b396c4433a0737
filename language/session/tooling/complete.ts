// complete_request: where the cursor is (scan.ts) decides which grammar answers: ES|QL completion inside a
// query (esql-complete.ts), elastic-script completion elsewhere (script-complete.ts), names inside some strings.
// Only the token under the cursor is replaced. Completion runs on every Tab: it must be quick, and it never
// throws (a failure offers nothing).
import type { Completion, CompletionItem } from '../../contract';
import { prepareQuery } from '../../data/query-text';
import { ToolingContext, tokenEnd, tokenStart } from './context';
import { locate } from './scan';
import type { StoreNames } from './store-names';
import { completeEsql } from './esql-complete';
import { completeInString, completeScript } from './script-complete';

export async function complete(ctx: ToolingContext, names: StoreNames, code: string, cursor: number): Promise<Completion> {
  const at = Math.max(0, Math.min(cursor, code.length));
  try {
    const { start, tokenChars, items } = await completeAt(ctx, names, code, at);
    return completion(items, start, tokenEnd(code, at, tokenChars));
  } catch {
    return completion([], tokenStart(code, at), tokenEnd(code, at));
  }
}

async function completeAt(ctx: ToolingContext, names: StoreNames, code: string, cursor: number): Promise<{ start: number; tokenChars: RegExp; items: CompletionItem[] }> {
  const place = locate(code, cursor);
  switch (place.kind) {
    case 'comment':
      return { start: cursor, tokenChars: /$^/, items: [] };
    case 'string':
      return completeInString(ctx, names, code, cursor, place.token, place.before);
    case 'script':
      return completeScript(ctx, names, code, cursor, place.statementStart);
    case 'esql': {
      // the query as the store gets it (`:name` -> `?name`, 'text' -> "text"), offsets mapped back
      const prepared = prepareQuery(code.slice(place.start, cursor));
      const r = await completeEsql(names, place.header + prepared.text);
      const inQuery = Math.max(0, r.start - place.header.length);
      return { ...r, start: place.start + (prepared.sourceOffset[inQuery] ?? cursor - place.start) };
    }
  }
}

function completion(items: CompletionItem[], cursorStart: number, cursorEnd: number): Completion {
  return { matches: items.map((i) => i.text), items, cursorStart, cursorEnd };
}
