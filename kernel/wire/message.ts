/**
 * Jupyter messages on the wire (messaging spec 5.3): the multipart frame layout, HMAC-SHA256
 * signatures, and headers. Used by the kernel's socket worker and by our own client (the
 * headless runner), so both sides speak exactly the same format.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export type Content = Record<string, any>;

export interface Message {
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Uint8Array[];
}

/** A message together with the routing identities it arrived with (or is sent to). */
export interface Envelope {
  ids: Uint8Array[];
  msg: Message;
}

export function makeHeader(msgType: string, session: string, username = "symtune"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Signs and verifies with the connection file's key; an empty key means no signing. */
export class Signer {
  private readonly key: string;
  constructor(key: string, scheme = "hmac-sha256") {
    if (key && scheme !== "hmac-sha256") {
      throw new Error(`unsupported signature_scheme "${scheme}": symtune speaks hmac-sha256`);
    }
    this.key = key;
  }

  sign(parts: readonly Uint8Array[]): string {
    if (!this.key) return "";
    const hmac = createHmac("sha256", this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  verify(signature: string, parts: readonly Uint8Array[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export function serialize(envelope: Envelope, signer: Signer): Buffer[] {
  const { msg } = envelope;
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    Buffer.from(JSON.stringify(p), "utf8"),
  );
  return [
    ...envelope.ids.map((id) => Buffer.from(id)),
    Buffer.from(DELIMITER),
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...msg.buffers.map((b) => Buffer.from(b)),
  ];
}

/** Why a multipart message was refused; the caller logs it and drops the message. */
export class WireError extends Error {}

/**
 * Signatures already seen, as jupyter_client's Session keeps them: a signed message captured
 * on the network and sent again is refused instead of running twice. The HMAC covers the
 * header, whose msg_id and date make every genuine message's signature unique. Bounded, as
 * in jupyter_client (2^16): when full, the oldest tenth is forgotten.
 */
export class SignatureHistory {
  private readonly seen = new Set<string>();
  constructor(private readonly limit = 65536) {}

  /** False when `signature` was seen before (a replay). */
  admit(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    if (this.seen.size >= this.limit) {
      let drop = Math.ceil(this.limit / 10);
      for (const old of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(old);
      }
    }
    this.seen.add(signature);
    return true;
  }
}

export function parse(frames: readonly Buffer[], signer: Signer, history?: SignatureHistory): Envelope {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (at < 0) throw new WireError("no <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new WireError(`only ${frames.length - at - 1} frames after the delimiter (need 5)`);
  const signature = frames[at + 1]!.toString();
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) throw new WireError("bad HMAC signature");
  // Only signed messages can be told apart this way (with no key every signature is "").
  if (signature && history && !history.admit(signature)) throw new WireError("duplicate signature (a replayed message)");
  const [header, parent, metadata, content] = parts.map((p) => {
    try {
      return JSON.parse(p.toString("utf8"));
    } catch {
      throw new WireError("a message part is not JSON");
    }
  });
  if (typeof header?.msg_type !== "string") throw new WireError("header has no msg_type");
  return {
    ids: frames.slice(0, at),
    msg: {
      header,
      parent_header: parent ?? {},
      metadata: metadata ?? {},
      content: content ?? {},
      buffers: frames.slice(at + 6),
    },
  };
}
