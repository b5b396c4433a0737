// Help texts for inspect (Shift-Tab, `NAME?`): one description per name, written out twice: as plain text for
// `text/plain` (what Notebook's tooltip and pager and `jupyter console` show: no `**`, no backticks) and as
// Markdown for `text/markdown` (JupyterLab, VS Code).
import type { MimeBundle } from '../../contract';
import { signatureOf, BuiltinDef } from '../../builtins/registry';
import type { EsqlFunction } from '../../esql/registry';
import { routineSignature } from '../../routines';
import type { CompiledRoutine } from '../../evaluator/host';
import { typeText } from '../../evaluator/types';
import type { GlobalCell } from '../../evaluator/runtime';
import { toMimeBundle } from '../../render';
import { typeOf, Value } from '../../values';

export interface Help {
  name: string;
  /** What the name is: `string built-in`, `ES|QL aggregate function`, `procedure`, `keyword field`, ... */
  kind: string;
  /** One line of code: a signature or a type. */
  signature?: string;
  /** Paragraphs; may use Markdown inline code (`x`), which the plain text drops. */
  paragraphs: string[];
  /** Preformatted text shown last: a value, a list of fields, a routine's source. */
  preview?: string;
}

const PREVIEW_LINES = 20;
const PREVIEW_CHARS = 2000;

export function helpBundle(h: Help): MimeBundle {
  return { 'text/plain': plainHelp(h), 'text/markdown': markdownHelp(h) };
}

function plainHelp(h: Help): string {
  const parts = [`${h.name}: ${h.kind}`];
  if (h.signature) parts[0] += `\n${h.signature}`;
  for (const p of h.paragraphs) parts.push(plainText(p));
  if (h.preview) parts.push(h.preview);
  return parts.join('\n\n');
}

function markdownHelp(h: Help): string {
  const parts = [`**${h.name}** (${h.kind})`];
  if (h.signature) parts.push(inlineCode(h.signature));
  parts.push(...h.paragraphs);
  if (h.preview) parts.push(`\`\`\`\n${h.preview.replace(/```/g, '`\u200b``')}\n\`\`\``);
  return parts.join('\n\n');
}

/** A Markdown paragraph as plain text: the marks of inline code and bold dropped. */
export function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1');
}

function inlineCode(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`;
}

/** A value as a short preformatted text (the first lines of what the cell would show). */
export function preview(v: Value): string {
  let text = String(toMimeBundle(v)['text/plain'] ?? '');
  const lines = text.split('\n');
  if (lines.length > PREVIEW_LINES) text = `${lines.slice(0, PREVIEW_LINES).join('\n')}\n...`;
  if (text.length > PREVIEW_CHARS) text = `${text.slice(0, PREVIEW_CHARS)}...`;
  return text;
}

export function builtinHelp(def: BuiltinDef): Help {
  const aliases = def.aliases?.length ? [`Also spelled ${def.aliases.join(', ')}.`] : [];
  return { name: def.name, kind: `${def.category} built-in`, signature: signatureOf(def), paragraphs: [def.doc, ...aliases] };
}

export function esqlFunctionHelp(f: EsqlFunction): Help {
  const kind = f.kind === 'aggregate' ? 'ES|QL aggregate function' : `ES|QL ${f.category} function`;
  const aliases = f.aliases?.length ? [`Also spelled ${f.aliases.map((a) => a.toUpperCase()).join(', ')}.`] : [];
  return { name: f.name.toUpperCase(), kind, signature: f.signature, paragraphs: [f.doc, ...aliases] };
}

export function routineHelp(r: CompiledRoutine, source: string, detailLevel: number): Help {
  const d = r.decl;
  const comment = leadingComment(source);
  return {
    name: d.name,
    kind: d.routine === 'PROCEDURE' ? 'procedure' : 'function',
    signature: routineSignature(d),
    paragraphs: comment ? [comment] : [],
    preview: detailLevel > 0 && source ? source : undefined,
  };
}

export function variableHelp(cell: GlobalCell): Help {
  const type = cell.type ? typeText(cell.type) : typeOf(cell.v);
  return { name: cell.name, kind: `${cell.isConst ? 'constant' : 'variable'}, ${type}`, paragraphs: [], preview: preview(cell.v) };
}

export function memberHelp(path: string, v: Value): Help {
  return { name: path, kind: `document key, ${typeOf(v)}`, paragraphs: [], preview: preview(v) };
}

export function columnHelp(name: string, type: string, origin: string, fromIndex: boolean): Help {
  const kind = type ? `${type} ${fromIndex ? 'field' : 'column'}` : 'column';
  const where = fromIndex ? `Field of ${origin}.` : `Made by \`${origin}\`.`;
  return { name, kind, paragraphs: [where] };
}

export function indexHelp(name: string, fields: { name: string; type: string }[]): Help {
  const width = Math.max(0, ...fields.map((f) => f.name.length));
  const list = fields.map((f) => `${f.name.padEnd(width)}  ${f.type}`).join('\n');
  return { name, kind: 'index', paragraphs: [`${fields.length} field${fields.length === 1 ? '' : 's'}.`], preview: list || undefined };
}

/**
 * The comment a routine's definition opens with, between its header and the first statement of its body
 * (`-- lines` or a `/* block *\/` after the parameters or right after BEGIN), as one paragraph per blank-line gap.
 */
export function leadingComment(source: string): string {
  const begin = /\bBEGIN\b/i.exec(source);
  if (!begin) return '';
  const header = source.slice(0, begin.index);
  const close = header.lastIndexOf(')');
  const region = `${header.slice(close + 1)}\n${source.slice(begin.index + begin[0].length)}`;
  const lines: string[] = [];
  const re = /\s*(?:--([^\n]*)|\/\*([\s\S]*?)\*\/|(RETURNS?\s+[A-Za-z_]+(?:\s+OF\s+[A-Za-z_]+)*|AS|IS|AUTHID\s+\w+)\b)/iy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(region))) {
    if (m[1] !== undefined) lines.push(m[1].trim());
    else if (m[2] !== undefined) lines.push(...m[2].split('\n').map((l) => l.replace(/^\s*\*?\s?/, '').trimEnd()));
  }
  return lines.join('\n').trim().replace(/\n{2,}/g, '\n\n');
}
