// Prepares the ES|QL text a script wrote for the store: `:name` placeholders become ES|QL's `?name` (values
// always travel as parameters, never pasted into the text), and single-quoted strings (which the reference's
// docs use) become ES|QL's double-quoted ones. Strings, backtick identifiers and comments are left alone.
// Keeps, for every character of the result, the offset it came from, so error positions map back.

export interface PreparedQuery {
  /** The text to send. */
  readonly text: string;
  /** Named placeholders, in order of first use (`:level` and `?level` both give `level`). */
  readonly names: string[];
  /** The highest `?n`/`:n` used, or the count of bare `?`. */
  readonly positional: number;
  /** `sourceOffset[i]` = offset in the original text of character i of `text` (one extra entry for the end). */
  readonly sourceOffset: number[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export function prepareQuery(original: string): PreparedQuery {
  let out = '';
  const offsets: number[] = [];
  const names: string[] = [];
  let positional = 0;
  let bare = 0;
  const emit = (s: string, from: number) => {
    for (let k = 0; k < s.length; k++) offsets.push(from);
    out += s;
  };
  const copy = (from: number, to: number) => {
    for (let k = from; k < to; k++) offsets.push(k);
    out += original.slice(from, to);
  };
  const n = original.length;
  let i = 0;
  while (i < n) {
    const c = original[i];
    if (c === '"') {
      const end = original.startsWith('"""', i) ? closeTriple(original, i) : closeDouble(original, i);
      copy(i, end);
      i = end;
    } else if (c === '`') {
      const close = original.indexOf('`', i + 1);
      const end = close < 0 ? n : close + 1;
      copy(i, end);
      i = end;
    } else if (c === '/' && original[i + 1] === '/') {
      const nl = original.indexOf('\n', i);
      const end = nl < 0 ? n : nl;
      copy(i, end);
      i = end;
    } else if (c === '/' && original[i + 1] === '*') {
      const close = original.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      copy(i, end);
      i = end;
    } else if (c === "'") {
      // 'text' -> "text": unescape \' and escape a bare "
      let j = i + 1;
      let body = '';
      const from: number[] = [];
      while (j < n && original[j] !== "'") {
        if (original[j] === '\\' && j + 1 < n) {
          if (original[j + 1] === "'") { body += "'"; from.push(j); } else { body += original.slice(j, j + 2); from.push(j, j + 1); }
          j += 2;
        } else if (original[j] === '"') {
          body += '\\"'; from.push(j, j); j++;
        } else {
          body += original[j]; from.push(j); j++;
        }
      }
      offsets.push(i);
      out += '"';
      for (let k = 0; k < body.length; k++) offsets.push(from[k]);
      out += body;
      offsets.push(Math.min(j, n - 1));
      out += '"';
      i = Math.min(j + 1, n);
    } else if ((c === ':' || c === '?') && isPlaceholderStart(original, i)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(original[j])) j++;
      const name = original.slice(i + 1, j);
      if (name === '') {
        bare++;
        copy(i, j);
      } else {
        if (/^\d+$/.test(name)) positional = Math.max(positional, Number(name));
        else if (!names.includes(name)) names.push(name);
        emit('?', i);
        copy(i + 1, j);
      }
      i = j;
    } else {
      copy(i, i + 1);
      i++;
    }
  }
  offsets.push(n);
  return { text: out, names, positional: Math.max(positional, bare), sourceOffset: offsets };
}

/** `:x` is a placeholder unless it is part of `::` (cast) or follows a name (`cluster:index`). */
function isPlaceholderStart(text: string, i: number): boolean {
  const c = text[i];
  const next = text[i + 1] ?? '';
  if (c === '?') return true;
  if (!(IDENT_START.test(next) || /\d/.test(next))) return false;
  const prev = i > 0 ? text[i - 1] : '';
  return prev !== ':' && !IDENT_PART.test(prev) && prev !== '-' && prev !== '.' && prev !== '*';
}

function closeDouble(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, text.length);
}

function closeTriple(text: string, i: number): number {
  const close = text.indexOf('"""', i + 3);
  return close < 0 ? text.length : close + 3;
}
