// inspect_request: Markdown help for the name at the cursor (or the callee of an open `NAME(`).
import { typeText } from '../../evaluator/types';
import { toMimeBundle } from '../../render';
import { routineSignature } from '../../routines';
import { typeOf } from '../../values';
import { ToolingContext, wordEnd, wordStart } from './context';

export function inspect(session: ToolingContext, code: string, cursor: number): string | null {
  const start = wordStart(code, Math.min(cursor, code.length));
  const end = wordEnd(code, start);
  if (end === start) {
    // cursor right after `NAME(`: describe NAME
    const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*$/.exec(code.slice(0, cursor));
    if (!m) return null;
    return describeName(session, m[1]);
  }
  return describeName(session, code.slice(start, end));
}

function describeName(session: ToolingContext, name: string): string | null {
  const b = session.builtins.describe(name);
  if (b) return b;
  const r = session.routines.find(name, 'PROCEDURE');
  if (r) return `**${r.decl.name}** (${r.decl.routine.toLowerCase()})\n\n\`${routineSignature(r.decl)}\``;
  const g = session.variable(name);
  if (g) {
    const t = g.type ? typeText(g.type) : typeOf(g.v);
    return `**${name}** variable, ${t}\n\n\`\`\`\n${toMimeBundle(g.v)['text/plain']}\n\`\`\``;
  }
  return null;
}
