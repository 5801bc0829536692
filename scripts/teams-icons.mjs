// Draws the two Teams app icons as PNG files (run once; the PNGs are committed): a 192×192 colour
// icon and a 32×32 white-on-transparent outline, both a simple "cm" monogram grid.
import { writeFileSync } from "node:fs";
import { deflateSync, crc32 } from "node:zlib";

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(x / size, y / size), 1 + x * 4);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// A bracket-and-bar glyph: "{ }" around a bar, readable at 32 px.
const glyph = (u, v) => {
  const inBox = v > 0.25 && v < 0.75;
  const left = inBox && u > 0.18 && u < 0.3;
  const right = inBox && u > 0.7 && u < 0.82;
  const bar = v > 0.45 && v < 0.55 && u > 0.38 && u < 0.62;
  return left || right || bar;
};
writeFileSync(
  new URL("../manifest/teams/color.png", import.meta.url),
  png(192, (u, v) => (glyph(u, v) ? [255, 255, 255, 255] : [29, 35, 48, 255])),
);
writeFileSync(
  new URL("../manifest/teams/outline.png", import.meta.url),
  png(32, (u, v) => (glyph(u, v) ? [255, 255, 255, 255] : [0, 0, 0, 0])),
);
