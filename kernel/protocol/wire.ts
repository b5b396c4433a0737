// The Jupyter wire format: ZeroMQ frames <-> messages, HMAC signing. Pure functions, no sockets.
import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { jsonText } from '../../language/contract';

export const PROTOCOL_VERSION = '5.3';
export const DELIMITER = '<IDS|MSG>';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export interface Message<C = Record<string, any>> {
  identities: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Signs and checks messages with the connection key; an empty key disables signing, as the spec says. */
export class Signer {
  private readonly key: Buffer;
  private readonly algorithm: string;

  constructor(key: string, scheme = 'hmac-sha256') {
    this.key = Buffer.from(key, 'utf8');
    const [kind, algorithm] = scheme.split('-');
    if (kind !== 'hmac' || !algorithm) throw new Error(`unsupported signature scheme: ${scheme}`);
    this.algorithm = algorithm;
  }

  sign(parts: Buffer[]): string {
    if (this.key.length === 0) return '';
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }

  verify(signature: string, parts: Buffer[]): boolean {
    if (this.key.length === 0) return true;
    const expected = Buffer.from(this.sign(parts), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

export class WireError extends Error {
  override name = 'WireError';
}

/** Frames received on a socket -> message. Throws WireError on anything malformed or badly signed. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('utf8') === DELIMITER);
  if (at < 0) throw new WireError('no <IDS|MSG> delimiter');
  if (frames.length < at + 6) throw new WireError(`expected 5 frames after the delimiter, got ${frames.length - at - 1}`);
  const signature = frames[at + 1].toString('utf8');
  const signed = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, signed)) throw new WireError('invalid signature');
  const [header, parent, metadata, content] = signed.map((frame, i) => parseObject(frame, PARTS[i]));
  if (typeof header.msg_type !== 'string' || typeof header.msg_id !== 'string') {
    throw new WireError('header lacks msg_type or msg_id');
  }
  return {
    identities: frames.slice(0, at),
    header: header as Header,
    parent_header: parent as Header,
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}

const PARTS = ['header', 'parent_header', 'metadata', 'content'];

function parseObject(frame: Buffer, what: string): Record<string, any> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch {
    throw new WireError(`${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new WireError(`${what} is not an object`);
  return value as Record<string, any>;
}

/** Message -> frames to send. */
export function encode(message: Message, signer: Signer): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(jsonText(part), 'utf8'),
  );
  return [...message.identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...message.buffers];
}

/** A new message, as a reply to `parent` when given (identities are copied so a ROUTER routes it back). */
export function makeMessage<C>(
  msgType: string,
  content: C,
  session: string,
  parent?: Message,
  metadata: Record<string, unknown> = {},
): Message<C> {
  return {
    identities: parent ? parent.identities : [],
    header: {
      msg_id: randomUUID(),
      session,
      username: 'kernel',
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ? parent.header : {},
    metadata,
    content,
    buffers: [],
  };
}
