// Syntax highlighting for notebook editors: CodeMirror's `sql` mode configured with the words of elastic-script
// and ES|QL (read from both grammars) and the built-in functions. Notebook 6 (CodeMirror 5) loads its own `sql`
// mode and honours these lists; JupyterLab and Notebook 7 (CodeMirror 6) take the name and highlight as SQL.
// Without a known mode name, Notebook asks the server for `codemirror/mode/elastic-script/elastic-script.js`.
import { GRAMMAR_FILE } from './grammar/grammar';
import { grammarText } from './grammar/load';
import { scriptBuiltins } from './builtins/library';
import { esqlFunctions } from './esql/engine';

export type CodeMirrorMode = {
  name: 'sql';
  keywords: Record<string, true>;
  builtin: Record<string, true>;
  atoms: Record<string, true>;
  support: Record<string, true>;
};

let mode: CodeMirrorMode | undefined;

function wordsOf(text: string): string[] {
  return [...text.matchAll(/(?:kw|caseInsensitive)<"([A-Za-z_]+)">/g)].map((m) => m[1].toLowerCase());
}

function setOf(words: Iterable<string>): Record<string, true> {
  return Object.fromEntries([...new Set(words)].sort().map((w) => [w, true as const]));
}

/** The mode for `language_info.codemirror_mode` (CodeMirror's sql mode compares lower-cased words). */
export function codemirrorMode(): CodeMirrorMode {
  if (mode) return mode;
  const atoms = ['true', 'false', 'null'];
  const keywords = [...wordsOf(grammarText(GRAMMAR_FILE)), ...wordsOf(grammarText('esql.ohm'))].filter((w) => !atoms.includes(w));
  const functions = [
    ...scriptBuiltins().all().flatMap((b) => [b.name, ...(b.aliases ?? [])]),
    ...esqlFunctions().list().flatMap((f) => [f.name, ...(f.aliases ?? [])]),
  ].map((n) => n.toLowerCase()).filter((n) => /^[a-z_][a-z0-9_]*$/.test(n) && !keywords.includes(n));
  mode = {
    name: 'sql',
    keywords: setOf(keywords),
    builtin: setOf(functions),
    atoms: setOf(atoms),
    // "..." is a string in elastic-script (an identifier in plain SQL)
    support: setOf(['doubleQuote']),
  };
  return mode;
}
