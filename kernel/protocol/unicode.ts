// Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16 code units.

/** Code point offset -> UTF-16 index. */
export function fromCodePoints(text: string, codePoints: number): number {
  let index = 0;
  for (let seen = 0; seen < codePoints && index < text.length; seen++) {
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }
  return index;
}

/** UTF-16 index -> code point offset. */
export function toCodePoints(text: string, index: number): number {
  return Array.from(text.slice(0, index)).length;
}
