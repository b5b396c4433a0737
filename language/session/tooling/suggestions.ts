// The list completion answers with: names of several kinds added in the order they should be shown, each kept
// when it starts with what the user typed, no name twice; plus the helpers both languages use for keywords
// (the user's case, multi-word keywords such as NULLS FIRST read from the grammar).
import type { CompletionItem, CompletionKind } from '../../contract';
import type { Expectation, ExpectationReader } from './expectations';

export interface Named {
  text: string;
  signature?: string;
}

export class Suggestions {
  private readonly items: CompletionItem[] = [];
  private readonly seen = new Set<string>();
  private readonly lower: string;

  constructor(readonly typed: string) {
    this.lower = typed.toLowerCase();
  }

  /** Adds the names that start with the typed text (case-insensitively unless `caseSensitive`), sorted unless told not to. */
  add(kind: CompletionKind, names: Iterable<Named | string>, options: { caseSensitive?: boolean; sorted?: boolean } = {}): this {
    const fresh: CompletionItem[] = [];
    for (const n of names) {
      const named = typeof n === 'string' ? { text: n } : n;
      const text = named.text;
      const matches = options.caseSensitive ? text.startsWith(this.typed) : text.toLowerCase().startsWith(this.lower);
      if (!matches || this.seen.has(text)) continue;
      this.seen.add(text);
      fresh.push(named.signature === undefined ? { text, kind } : { text, kind, signature: named.signature });
    }
    if (options.sorted !== false) fresh.sort((a, b) => a.text.localeCompare(b.text));
    this.items.push(...fresh);
    return this;
  }

  list(): CompletionItem[] {
    return this.items;
  }
}

/**
 * How to spell case-insensitive names (keywords, built-ins, ES|QL functions) for this user: as they started
 * typing it (`st` -> `stats`, `Upp` -> `Upper`), so that frontends which filter on the typed prefix keep it; with
 * nothing typed yet, in the case of the last keyword they wrote (`from logs | ` -> `where`); else upper-case.
 */
export function keywordCase(typed: string, before: string, isKeyword: (word: string) => boolean): (word: string) => string {
  if (/[A-Za-z]/.test(typed)) {
    const lastLetter = typed.match(/[A-Za-z]/g)!.pop()!;
    const rest = lastLetter === lastLetter.toLowerCase() ? (w: string) => w.toLowerCase() : (w: string) => w.toUpperCase();
    return (w) => (w.toLowerCase().startsWith(typed.toLowerCase()) ? typed + rest(w.slice(typed.length)) : w);
  }
  // Whole words only: `sample` in an index name `logs-sample` is not a keyword the user typed.
  const words = before.match(/(?<![\w.-])[A-Za-z_]+(?![\w.-])/g) ?? [];
  for (let i = words.length - 1; i >= 0 && i >= words.length - 40; i--) {
    if (isKeyword(words[i])) return words[i] === words[i].toLowerCase() ? (w) => w.toLowerCase() : (w) => w.toUpperCase();
  }
  return (w) => w.toUpperCase();
}

const MAX_EXPANDED = 16;
const MAX_FOLLOWERS = 2;

/**
 * Keywords the grammar expects at the end of `prefix`, each completed into the words that must follow it when
 * the grammar allows only one or two keywords there (NULLS -> NULLS FIRST, NULLS LAST; IS -> IS NULL, IS NOT
 * NULL; TRACK -> TRACK AS; END -> END LOOP inside a loop). Asks the grammar again for each candidate, so only
 * candidates that match the typed text are expanded, and only when there are few.
 */
export function keywordPhrases(reader: ExpectationReader, prefix: string, keywords: string[], typed: string, startRule?: string): string[] {
  const upperTyped = typed.toUpperCase();
  const candidates = keywords.filter((k) => k.startsWith(upperTyped));
  if (candidates.length > MAX_EXPANDED) return candidates;
  const out: string[] = [];
  const expand = (phrase: string, depth: number) => {
    const next = depth < 3 && reader.mayStartPhrase(phrase.slice(phrase.lastIndexOf(' ') + 1)) ? reader.at(`${prefix}${phrase} `, startRule) : null;
    const followers = next && next.length > 0 && next.every((e) => e.kind === 'keyword') ? [...new Set(next.map((e) => e.text))] : [];
    if (followers.length === 0 || followers.length > MAX_FOLLOWERS) out.push(phrase);
    else for (const f of followers) expand(`${phrase} ${f}`, depth + 1);
  };
  for (const k of candidates) {
    if (reader.mayStartPhrase(k)) expand(k, 0);
    else out.push(k);
  }
  return out;
}

/** The keywords among expectations, in the grammar's order, without repeats. */
export function keywordsOf(expected: Expectation[], keep: (e: Expectation) => boolean = () => true): string[] {
  return [...new Set(expected.filter((e) => e.kind === 'keyword' && keep(e)).map((e) => e.text))];
}
