/**
 * The kernel's logo for the kernelspec (logo-32x32.png, logo-64x64.png), drawn by code so the
 * repository holds no binary: "ST" in white on a rounded TypeScript-blue square, in a 5×7
 * pixel font scaled to the size, written as an RGBA PNG with node's zlib.
 */
import { deflateSync } from "node:zlib";

// 5×7 glyphs, one string per row, "#" = ink.
const GLYPHS: Record<string, string[]> = {
  S: [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
  T: ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
};
const BLUE = [0x31, 0x78, 0xc6];
const WHITE = [0xff, 0xff, 0xff];

/** RGBA pixels of the logo at `size`×`size` (size a multiple of 16). */
function pixels(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  const radius = size / 6;
  const inCorner = (x: number, y: number) => {
    const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
    const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
    return (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > radius ** 2;
  };
  const scale = size / 16; // text: two 5-wide letters + 1 gap = 11 cells wide, 7 tall
  const [left, top] = [Math.round((size - 11 * scale) / 2), Math.round((size - 7 * scale) / 2)];
  const ink = (x: number, y: number) => {
    const [col, row] = [Math.floor((x - left) / scale), Math.floor((y - top) / scale)];
    if (row < 0 || row >= 7 || col < 0 || col >= 11 || col === 5) return false;
    const glyph = GLYPHS[col < 5 ? "S" : "T"]!;
    return glyph[row]![col < 5 ? col : col - 6] === "#";
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      if (inCorner(x, y)) continue; // transparent
      rgba.set(ink(x, y) ? WHITE : BLUE, i);
      rgba[i + 3] = 0xff;
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** The logo as PNG bytes. */
export function logoPng(size: 32 | 64): Buffer {
  const rgba = pixels(size);
  // Each scanline starts with filter type 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]);
}
