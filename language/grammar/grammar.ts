// The elastic-script grammar object. The `.ohm` file writes keywords as `kw<"IF">`; this module expands that
// shorthand into an application of a generated lexical rule `kw_IF = ci_IF ~idChar` (a case-insensitive,
// whole-word match; spaces are skipped before it like any lexical rule), where `ci_IF = ("i" | "I") ("f" | "F")`
// also replaces every `caseInsensitive<"IF">` of the file; `anyWord<...>` becomes nested letter tests (see
// anyWord). It compiles the result once.
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
    .replace(/anyWord<((?:\s*\|?\s*caseInsensitive<"[A-Za-z_]+">)+)\s*>/g, (_m, choice: string) => anyWord([...choice.matchAll(/caseInsensitive<"([A-Za-z_]+)">/g)].map((w) => w[1].toUpperCase())))
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

/**
 * `anyWord<caseInsensitive<"IN"> | caseInsensitive<"IS"> | ...>`: one of the words as a whole word (what
 * `(caseInsensitive<"IN"> | ...) ~idChar` matches), as nested letter choices without rule applications:
 * `("i" | "I") ~~(("n" | "N") ~idChar | ("s" | "S") ~idChar)` (`~~x`: x matches here, written `~(~(x))`). Ohm pays an application (memo entry, failure
 * bookkeeping) per word tried, and `reserved` tried 43 words at every identifier; the letters fail at the first
 * or second one. Every word is made of identifier characters, so "some word, then no identifier character" is
 * the same test as "the first word that matches, then no identifier character" (a word listed after a shorter
 * prefix of it can never match and is left out). `~~` keeps every branch at one matched letter (Ohm wants the
 * branches of a choice to match the same number of parts). Failures inside a word are not described, so this is
 * only for negative lookaheads (`~reserved`), whose failures Ohm never reports.
 */
function anyWord(words: string[]): string {
  return `(${wordBranches(words, 0).join(' | ')})`;
}

/** `letter rest` for each letter the words go on with at `depth` (none when a word ends there first). */
function wordBranches(words: string[], depth: number): string[] {
  const groups = new Map<string, string[]>();
  for (const w of words) {
    if (w.length === depth) break; // matches before the later words with this prefix
    const c = w[depth].toUpperCase();
    const g = groups.get(c);
    if (g) g.push(w);
    else groups.set(c, [w]);
  }
  return [...groups].map(([c, ws]) => `${letterPair(c)} ${wordRest(ws, depth + 1)}`);
}

/** What must follow the first `depth` letters of `words`, as a test that matches nothing (no parts). */
function wordRest(words: string[], depth: number): string {
  // a run of single letters is one test: `~~(l1 l2 l3 ~idChar)`, written `~(~(...))`
  const run: string[] = [];
  for (;;) {
    const ends = words.some((w) => w.length === depth);
    const next = new Set(words.filter((w) => w.length > depth).map((w) => w[depth].toUpperCase()));
    if (ends || next.size !== 1) break;
    run.push(letterPair([...next][0]));
    depth++;
  }
  const branches = wordBranches(words, depth);
  const ends = words.some((w) => w.length === depth);
  const tail = !branches.length ? '~idChar' : ends ? `(${holds(branches.join(' | '))} | ~idChar)` : holds(branches.join(' | '));
  return run.length ? holds(`${run.join(' ')} ${tail}`) : tail;
}

/** A test that `expr` matches here, matching nothing itself (Ohm's syntax has no `~~`). */
function holds(expr: string): string {
  return `~(~(${expr}))`;
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
