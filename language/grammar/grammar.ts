// The elastic-script grammar object. The `.ohm` file writes keywords as `kw<"IF">`; this module expands that
// shorthand into an application of a generated lexical rule `kw_IF = caseInsensitive<"IF"> ~idChar` (a
// case-insensitive, whole-word match; spaces are skipped before it like any lexical rule) and compiles the result
// once.
import type * as ohm from 'ohm-js';
import { grammarFrom, grammarText } from './load';

export const GRAMMAR_FILE = 'elastic-script.ohm';

/** Every keyword the grammar spells with `kw<...>`, upper-case, for completion. */
export const KEYWORDS: string[] = [];

/** The grammar's text with the keyword shorthand expanded (what Ohm compiles, and what the recipe is made from). */
export function expandedGrammarText(): string {
  return expandKeywords(grammarText(GRAMMAR_FILE));
}

function expandKeywords(text: string): string {
  const seen = new Set<string>();
  const body = text.replace(/kw<"([A-Za-z_]+)">/g, (_m, word: string) => {
    seen.add(word.toUpperCase());
    return `kw_${word.toUpperCase()}`;
  });
  KEYWORDS.splice(0, KEYWORDS.length, ...[...seen].sort());
  const rules = KEYWORDS.map((w) => `  kw_${w} = caseInsensitive<"${w}"> ~idChar`).join('\n');
  const close = body.lastIndexOf('}');
  return `${body.slice(0, close)}\n${rules}\n}\n`;
}

let grammar: ohm.Grammar | undefined;

export function elasticScriptGrammar(): ohm.Grammar {
  if (!grammar) {
    grammar = grammarFrom('elastic-script', expandedGrammarText()).grammar;
  }
  return grammar;
}
