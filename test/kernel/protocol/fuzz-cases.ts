// Cases for the protocol fuzzer (fuzz.test.ts): from a seed, a stream of frame lists a hostile or broken client
// might send -- garbage, cut and bit-flipped frames, bad JSON under a valid signature, wrong and missing HMACs,
// unknown and property-like message types, known requests with contents of every wrong shape, huge messages and
// replays. Each case says whether the kernel owes it a reply (a well-formed, well-signed request it handles).
import { encode, makeMessage, Signer } from '../../../kernel/protocol/wire';
import { seededRandom } from '../../../language/seeded-random';

export type CaseKind =
  | 'garbage' | 'truncated' | 'bit_flip' | 'bad_json_signed' | 'wrong_hmac' | 'missing_hmac' | 'unknown_type'
  | 'wrong_shape' | 'huge' | 'replay' | 'valid';

export interface FuzzCase {
  kind: CaseKind;
  channel: 'shell' | 'control';
  frames: Buffer[];
  /** The msg_id of a request the kernel must answer (on `channel`), else undefined. */
  expectsReply?: string;
}

/** The same sequence for a seed on every machine. */
export const prng = seededRandom;

/** Requests the kernel answers, with the content it expects; shutdown is left out (it would end the run). */
const REQUESTS: Record<string, () => object> = {
  kernel_info_request: () => ({}),
  is_complete_request: () => ({ code: 'PRINT 1' }),
  complete_request: () => ({ code: 'UPP', cursor_pos: 3 }),
  inspect_request: () => ({ code: 'UPPER', cursor_pos: 2, detail_level: 0 }),
  history_request: () => ({ hist_access_type: 'tail', n: 3, output: false, raw: true }),
  comm_info_request: () => ({}),
  execute_request: () => ({ code: 'PRINT 1;', silent: true, store_history: false }),
};
const REQUEST_TYPES = Object.keys(REQUESTS);
const PROPERTY_TYPES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype'];
/** Content fields the handlers read, given values of every type. */
const FIELDS = ['code', 'cursor_pos', 'detail_level', 'hist_access_type', 'n', 'session', 'start', 'stop', 'pattern', 'unique', 'output', 'silent', 'store_history', 'stop_on_error', 'comm_id', 'restart'];

export class CaseMaker {
  private readonly rand: () => number;
  private readonly sent: Buffer[][] = [];

  constructor(seed: number, private readonly signer: Signer, private readonly hugeBytes = 4 << 20) {
    this.rand = prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  private bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A value of a random type, sometimes nested, sometimes odd (NaN-like strings, huge numbers, unicode). */
  private value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 7 : 9)) {
      case 0: return null;
      case 1: return this.rand() < 0.5;
      case 2: return this.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 3, 100000]);
      case 3: return this.pick(['', 'lots', '*', 'tail', 'range', 'search', '💥', 'PRINT 1;', 'WHILE', '\u0000', 'x'.repeat(1000)]);
      case 4: return this.bytes(this.int(20)).toString('latin1');
      case 5: return 'UPPER?';
      case 6: return this.int(1000);
      case 7: return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.pick(FIELDS), this.value(depth + 1)]));
    }
  }

  private signed(type: string, content: unknown, channel: 'shell' | 'control'): FuzzCase & { frames: Buffer[] } {
    const m = makeMessage(type, content as object, 'fuzz');
    const frames = encode(m, this.signer);
    return { kind: 'valid', channel, frames, expectsReply: m.header.msg_id };
  }

  /** The next case: `kind` chosen at random unless given. */
  next(kind?: CaseKind): FuzzCase {
    // huge messages are a few megabytes each: one case in fifty
    const kinds: CaseKind[] = ['garbage', 'truncated', 'bit_flip', 'bad_json_signed', 'wrong_hmac', 'missing_hmac', 'unknown_type', 'wrong_shape', 'replay', 'valid'];
    const k = kind ?? (this.rand() < 0.02 ? 'huge' : this.pick(kinds));
    const channel = this.rand() < 0.3 ? 'control' : 'shell';
    const known = this.pick(REQUEST_TYPES);
    const c = this.make(k, channel, known);
    if (c.kind !== 'replay') this.sent.push(c.frames);
    if (this.sent.length > 64) this.sent.shift();
    return c;
  }

  private make(k: CaseKind, channel: 'shell' | 'control', known: string): FuzzCase {
    switch (k) {
      case 'garbage': {
        const frames = Array.from({ length: 1 + this.int(8) }, () => this.bytes(this.int(64)));
        if (this.rand() < 0.5) frames.splice(this.int(frames.length), 0, Buffer.from('<IDS|MSG>'));
        return { kind: k, channel, frames };
      }
      case 'truncated': {
        const frames = this.signed(known, REQUESTS[known](), channel).frames;
        return { kind: k, channel, frames: frames.slice(0, this.int(frames.length)) };
      }
      case 'bit_flip': {
        const frames = this.signed(known, REQUESTS[known](), channel).frames.map((f) => Buffer.from(f));
        const i = 2 + this.int(frames.length - 2);
        if (frames[i].length) frames[i][this.int(frames[i].length)] ^= 1 << this.int(8);
        return { kind: k, channel, frames };
      }
      case 'bad_json_signed': {
        // a correct HMAC over parts that are not JSON objects: only the parser stands between them and the kernel
        const parts: Buffer[] = [JSON.stringify({ msg_id: 'x', msg_type: known, session: 'fuzz', username: 'u', date: '', version: '5.3' }), '{}', '{}', '{}']
          .map((p) => Buffer.from(p));
        const i = this.int(4);
        parts[i] = this.pick([Buffer.from('{"unterminated'), Buffer.from('[1,2]'), Buffer.from('null'), Buffer.from('"s"'), this.bytes(16), Buffer.alloc(0), Buffer.from('{"msg_type": 5}')]);
        return { kind: k, channel, frames: [Buffer.from('<IDS|MSG>'), Buffer.from(this.signer.sign(parts)), ...parts] };
      }
      case 'wrong_hmac': {
        const m = makeMessage(known, REQUESTS[known](), 'fuzz');
        return { kind: k, channel, frames: encode(m, new Signer(this.bytes(8).toString('hex'))) };
      }
      case 'missing_hmac': {
        const frames = this.signed(known, REQUESTS[known](), channel).frames;
        frames[1] = Buffer.alloc(0);
        return { kind: k, channel, frames };
      }
      case 'unknown_type': {
        const type = this.rand() < 0.5 ? this.pick(PROPERTY_TYPES) : `fuzz_${this.int(1e6)}_${this.pick(['request', 'reply', 'msg', ''])}`;
        return { ...this.signed(type, this.value(), channel), kind: k, expectsReply: undefined };
      }
      case 'wrong_shape': {
        // a known request whose content fields have random types: the handler must reply (ok or error)
        const content = { ...REQUESTS[known](), ...Object.fromEntries(Array.from({ length: 1 + this.int(3) }, () => [this.pick(FIELDS), this.value()])) };
        // a random `code` may be any program: keep execute to is_complete-like harmless snippets
        if (known === 'execute_request') Object.assign(content, { code: this.pick(['PRINT 1;', '1 +', 'UPPER?', '', 'DECLARE', "PRINT 'x' ||"]), silent: true, store_history: false });
        return { ...this.signed(known, content, channel), kind: k };
      }
      case 'huge': {
        const big = 'x'.repeat(this.hugeBytes);
        const m: FuzzCase = this.pick<() => FuzzCase>([
          () => this.signed('kernel_info_request', { padding: big }, channel),
          () => this.signed(`fuzz_huge_${this.int(1e6)}`, { padding: big }, channel),
          () => ({ kind: 'huge', channel, frames: [Buffer.from('<IDS|MSG>'), Buffer.from('bad'), Buffer.from(big), Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}')] }),
        ])();
        return { ...m, kind: k, expectsReply: m.expectsReply && m.frames[2].toString().includes('kernel_info_request') ? m.expectsReply : undefined };
      }
      case 'replay': {
        if (!this.sent.length) return this.make('garbage', channel, known);
        // the exact frames of an earlier message: dropped by the replay guard (the first one got its reply)
        return { kind: k, channel, frames: this.pick(this.sent).map((f) => Buffer.from(f)) };
      }
      case 'valid':
        return this.signed(known, REQUESTS[known](), channel);
    }
  }
}
