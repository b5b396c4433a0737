// The elastic-script grammar object. The `.ohm` file writes keywords as `kw<"IF">`; this module expands that
// shorthand into an application of a generated lexical rule `kw_IF = ci_IF ~idChar` (a case-insensitive,
// whole-word match; spaces are skipped before it like any lexical rule), where `ci_IF = ("i" | "I") ("f" | "F")`
// also replaces every `caseInsensitive<"IF">` of the file, and compiles the result once.
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
  const words = new Set<string>();
  const body = text
    .replace(/kw<"([A-Za-z_]+)">/g, (_m, word: string) => {
      seen.add(word.toUpperCase());
      words.add(word.toUpperCase());
      return `kw_${word.toUpperCase()}`;
    })
    .replace(/caseInsensitive<"([A-Za-z_]+)">/g, (_m, word: string) => {
      words.add(word.toUpperCase());
      return `ci_${word.toUpperCase()}`;
    });
  KEYWORDS.splice(0, KEYWORDS.length, ...[...seen].sort());
  const keywordRules = KEYWORDS.map((w) => `  kw_${w} = ci_${w} ~idChar`);
  // Ohm's caseInsensitive<"X"> is a parameterised application (a memo key built from its argument each time);
  // with plain rules of letter pairs a whole parse is 15-28% faster (measured on typical cells).
  // The description keeps syntax errors saying `expected "SEARCH"`, not `expected "S" or "s"`.
  const letterRules = [...words].sort().map((w) => `  ci_${w} ("${w}") = ${[...w].map(letterPair).join(' ')}`);
  const close = body.lastIndexOf('}');
  return `${body.slice(0, close)}\n${[...keywordRules, ...letterRules].join('\n')}\n}\n`;
}

function letterPair(c: string): string {
  return /[A-Za-z]/.test(c) ? `("${c.toLowerCase()}" | "${c.toUpperCase()}")` : `"${c}"`;
}

let grammar: ohm.Grammar | undefined;

export function elasticScriptGrammar(): ohm.Grammar {
  if (!grammar) {
    grammar = grammarFrom('elastic-script', expandedGrammarText()).grammar;
  }
  return grammar;
}
