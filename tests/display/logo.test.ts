import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { install } from "../../kernel/install.ts";

// Decoded by Python's zlib and struct, not by our encoder: size, colour type, and three pixels.
const DECODE = `
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0], kind
    if kind == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, colour = ihdr[:4]
raw = zlib.decompress(idat)
px = lambda x, y: tuple(raw[y * (w * 4 + 1) + 1 + x * 4: y * (w * 4 + 1) + 5 + x * 4])
print(w, h, depth, colour, px(0, 0)[3], px(w // 2, 2)[:3], px(w // 2, h // 2)[3])
`;

describe("the kernelspec's logo", () => {
  it("installs 32×32 and 64×64 RGBA PNGs: transparent corners, a blue ground", () => {
    const dir = install({ prefix: mkdtempSync(join(tmpdir(), "symtune-logo-")) });
    for (const size of [32, 64]) {
      const out = execFileSync("/usr/bin/python3", ["-c", DECODE, join(dir, `logo-${size}x${size}.png`)], { encoding: "utf8" });
      expect(out.trim()).toBe(`${size} ${size} 8 6 0 (49, 120, 198) 255`);
    }
    expect(JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8")).display_name).toBe("TypeScript (symtune)");
  });
});
