// Whether source text ends inside a string, a block comment or an open bracket. Ohm reports a failure inside
// a described rule (such as "a string") at the rule's start, so `isComplete` needs this lexical check to see
// that `PRINT 'abc` merely stops early.
export function openAtEnd(text: string): boolean {
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return true;
      i = end + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return true;
        if (text[i] === '\\') { i += 2; continue; }
        if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    i++;
  }
  return depth > 0;
}
