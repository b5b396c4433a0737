// NDJSON as `escript load` reads it, in the process or on the load worker (embedded/ndjson-mapper.ts): lines
// in big chunks, and Elasticsearch bulk action lines told from documents.
import { isAscii } from 'buffer';
import * as fs from 'fs';

/**
 * Lines of a file, read in 4 MB chunks, with the number of the first (from 1); `\r\n` endings are trimmed. A
 * chunk is cut at its last newline byte (never inside a UTF-8 character) and decoded as Latin-1 when it is all
 * ASCII, which V8 turns into a string without a UTF-8 decoder's per-character work.
 */
export async function* lineChunks(file: string): AsyncGenerator<{ lines: string[]; first: number }> {
  let rest: Buffer = Buffer.alloc(0);
  let next = 1;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 22 })) {
    const bytes = chunk as Buffer;
    const end = bytes.lastIndexOf(NEWLINE);
    if (end < 0) { rest = Buffer.concat([rest, bytes]); continue; }
    // the line cut by the last chunk: its bytes joined before decoding (they may split a UTF-8 character)
    const start = rest.length ? bytes.indexOf(NEWLINE) : 0;
    const lines = decode(bytes.subarray(start, end)).split('\n');
    if (rest.length) lines[0] = decode(Buffer.concat([rest, bytes.subarray(0, start)]));
    rest = Buffer.from(bytes.subarray(end + 1)); // a copy, so that the 4 MB chunk is not kept alive by its tail
    for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
    yield { lines, first: next };
    next += lines.length;
  }
  if (rest.length) {
    const line = decode(rest);
    yield { lines: [line.endsWith('\r') ? line.slice(0, -1) : line], first: next };
  }
}

const NEWLINE = 0x0a;

function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** `{"index": {"_id": "1"}}` / `{"create": {...}}` lines of a bulk file. */
export function bulkAction(v: unknown): { id?: string } | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !['index', 'create'].includes(keys[0])) return null;
  const meta = (v as Record<string, unknown>)[keys[0]];
  if (!meta || typeof meta !== 'object') return null;
  const id = (meta as Record<string, unknown>)._id;
  return { id: id === undefined ? undefined : String(id) };
}
