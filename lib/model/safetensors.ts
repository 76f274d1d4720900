/**
 * The safetensors format, read and written here (no dependency): an 8-byte little-endian
 * header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, ...,
 * "__metadata__"?: {string: string}}`, then the tensor bytes (offsets relative to the end of
 * the header, little-endian, row-major, packed with no gaps). Files load in PyTorch's
 * `safetensors.torch.load_file` and vice versa (F32 and I32).
 */
import { readFileSync } from "node:fs";
import { DataError } from "../errors.ts";

export type DType = "F32" | "I32";

export interface TensorData {
  dtype: DType;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Record<string, TensorData>;
  metadata: Record<string, string>;
}

const HEADER_LIMIT = 100 * 1024 * 1024; // the reference implementation's cap on header size
const BYTES: Record<DType, number> = { F32: 4, I32: 4 };

/** Serialises tensors (in the order given) with optional string metadata. */
export function encodeSafetensors(tensors: Record<string, TensorData>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.data.length * BYTES[t.dtype];
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) {
      throw new RangeError(`tensor "${name}": ${t.data.length} values do not fill shape [${t.shape}]`);
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8); // pad so tensor data starts 8-byte aligned
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Parses safetensors bytes; `file` names the source in errors. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const fail = (message: string): never => {
    throw new DataError(message, { file });
  };
  if (bytes.length < 8) fail(`not a safetensors file: it has ${bytes.length} bytes, fewer than the 8-byte header length.`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(HEADER_LIMIT) || headerLength < 2n) {
    fail(`not a safetensors file: the first 8 bytes give a header length of ${headerLength}, which is not plausible.`);
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    fail(`truncated safetensors file: the header says it is ${n} bytes long but only ${bytes.length - 8} bytes follow.`);
  }
  let header: Record<string, unknown>;
  try {
    const parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n))) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    header = parsed as Record<string, unknown>;
  } catch {
    return fail("not a safetensors file: its header is not a JSON object.");
  }
  const data = bytes.subarray(8 + n);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: Record<string, TensorData> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== "F32" && dtype !== "I32") fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; symtune reads F32 and I32.`);
    const okShape = Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
    const okOffsets = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isInteger(o) && o >= 0);
    if (!okShape || !okOffsets) fail(`tensor "${name}" has a malformed shape or data_offsets in the header.`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype as DType]) {
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] do not hold shape [${shape}] of ${dtype}.`);
    }
    if (end > data.length) {
      fail(`truncated safetensors file: tensor "${name}" needs bytes up to ${end} of the data section but it has ${data.length}.`);
    }
    // Copy: the slice must be 4-byte aligned for a typed-array view, and the caller may keep it.
    const copy = new Uint8Array(data.subarray(begin, end)).buffer; // a Node Buffer's slice() would share its pool
    tensors[name] = {
      dtype: dtype as DType,
      shape: shape as number[],
      data: dtype === "F32" ? new Float32Array(copy) : new Int32Array(copy),
    };
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expected) fail(`tensor "${name}" starts at byte ${begin} of the data section; expected ${expected} (overlap or gap).`);
    expected = end;
  }
  if (expected !== data.length) fail(`the data section has ${data.length} bytes but its tensors cover ${expected}.`);
  return { tensors, metadata };
}

export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`cannot read the file: ${(error as Error).message}`, { file: path });
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
