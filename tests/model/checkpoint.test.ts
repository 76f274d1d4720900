import * as tf from "@tensorflow/tfjs";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../lib/errors.ts";
import { loadCheckpoint, saveCheckpoint } from "../../lib/model/checkpoint.ts";
import { decodeSafetensors, encodeSafetensors } from "../../lib/model/safetensors.ts";
import { useTestBackend } from "../train/backend.ts";
import { charTokenizer, tinyModel } from "../train/fixtures.ts";

beforeAll(async () => {
  await useTestBackend();
});

const tempDir = () => mkdtempSync(join(tmpdir(), "symtune-ckpt-"));

/** A safetensors file built by hand from the format's description. */
function handMade(): Uint8Array {
  const header = '{"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const data = new Uint8Array(12);
  const view = new DataView(data.buffer);
  view.setFloat32(0, 1.5, true);
  view.setFloat32(4, -2, true);
  view.setInt32(8, 7, true);
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

describe("safetensors", () => {
  it("reads a file laid out as the format describes", () => {
    const { tensors } = decodeSafetensors(handMade(), "hand.safetensors");
    expect(tensors.a).toEqual({ dtype: "F32", shape: [2], data: new Float32Array([1.5, -2]) });
    expect(tensors.b).toEqual({ dtype: "I32", shape: [1], data: new Int32Array([7]) });
  });

  it("writes the header length, a JSON header and 8-byte-aligned data that read back", () => {
    const bytes = encodeSafetensors(
      { w: { dtype: "F32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, n: { dtype: "I32", shape: [], data: new Int32Array([9]) } },
      { format: "pt" },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { format: "pt" },
      w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] },
      n: { dtype: "I32", shape: [], data_offsets: [16, 20] },
    });
    const back = decodeSafetensors(bytes, "x");
    expect(Array.from(back.tensors.w!.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(back.tensors.n!.data)).toEqual([9]);
    expect(back.metadata).toEqual({ format: "pt" });
  });
});

describe("checkpoints", () => {
  it("save and load give the same logits, config and tokenizer; no temporary files remain", () => {
    const root = tempDir();
    const model = tinyModel(31);
    const path = saveCheckpoint(root, { model, tokenizer: charTokenizer });
    expect(readdirSync(root).sort()).toEqual(["latest", "step-00000000"]);
    expect(readdirSync(path).sort()).toEqual(["config.json", "model.safetensors"]);
    const loaded = loadCheckpoint(root);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.tokenizer.encode("star")).toEqual(charTokenizer.encode("star"));
    const idx = tf.tensor2d([[1, 5, 6, 3]], [1, 4], "int32");
    const a = model.logits(idx);
    const b = loaded.model.logits(idx);
    expect(b.dataSync()).toEqual(a.dataSync());
    tf.dispose([idx, a, b]);
    model.dispose();
    loaded.model.dispose();
  });

  function savedModelFile(): { root: string; file: string; bytes: Buffer } {
    const root = tempDir();
    const model = tinyModel(32);
    const path = saveCheckpoint(root, { model, tokenizer: charTokenizer });
    model.dispose();
    const file = join(path, "model.safetensors");
    return { root, file, bytes: readFileSync(file) };
  }

  it("rejects a weights file cut off in the tensor data", () => {
    const { root, file, bytes } = savedModelFile();
    const headerLength = Number(bytes.readBigUInt64LE(0));
    truncateSync(file, 8 + headerLength + 100);
    const wteBytes = charTokenizer.vocabSize * 32 * 4; // wte.weight is the first tensor: vocab × nEmbd floats
    const error = (() => { try { loadCheckpoint(root); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      `${file}: truncated safetensors file: tensor "wte.weight" needs bytes up to ${wteBytes} of the data section but it has 100.`,
    );
    expect((error as DataError).where.file).toBe(file);
  });

  it("rejects a weights file cut off inside its header", () => {
    const { root, file, bytes } = savedModelFile();
    const headerLength = Number(bytes.readBigUInt64LE(0));
    truncateSync(file, 20);
    expect(() => loadCheckpoint(root)).toThrow(
      `${file}: truncated safetensors file: the header says it is ${headerLength} bytes long but only 12 bytes follow.`,
    );
  });

  it("rejects a foreign file in place of the weights", () => {
    const { root, file } = savedModelFile();
    writeFileSync(file, '{"weights": [0.1, 0.2], "note": "exported by some other tool"}');
    expect(() => loadCheckpoint(root)).toThrow(
      new RegExp(`^${file.replace(/[.]/g, "\\.")}: not a safetensors file: the first 8 bytes give a header length of \\d+, which is not plausible\\.$`),
    );
    writeFileSync(file, encodeSafetensors({ "encoder.layer.0.weight": { dtype: "F32", shape: [1], data: new Float32Array([1]) } }));
    expect(() => loadCheckpoint(root)).toThrow(
      `${file}: the weights file has no tensor "wte.weight"; it was not written for a symtune GPT of this shape.`,
    );
  });

  it("rejects a directory that is not a checkpoint, and a foreign config", () => {
    const empty = tempDir();
    expect(() => loadCheckpoint(empty)).toThrow(
      `${empty}: not a symtune checkpoint: the directory has neither config.json nor a 'latest' pointer to a step directory.`,
    );
    const other = join(tempDir(), "hf-model");
    mkdirSync(other);
    writeFileSync(join(other, "config.json"), JSON.stringify({ model_type: "gpt2", n_layer: 12 }));
    expect(() => loadCheckpoint(other)).toThrow(
      `${join(other, "config.json")} field "format": not a symtune checkpoint config: "format" is missing, expected "symtune-checkpoint".`,
    );
  });
});
