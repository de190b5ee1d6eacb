import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { createTestPattern } from '../image/test-pattern';
import { decodePng, encodePng } from './png-file';

/** CRC-32 (ISO-HDLC) of a chunk's type and data, as PNG requires. */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 2×1 palette PNG (pngjs writes no palette images, so it is assembled by hand). */
function palettePng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: palette
  const palette = Buffer.from([10, 20, 30, 200, 100, 50]);
  // One scanline: filter byte 0, then palette indices 1 and 0.
  const pixels = deflateSync(Buffer.from([0, 1, 0]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', palette),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('PNG files', () => {
  it('round-trips RGB exactly, written as 8-bit truecolour without alpha', () => {
    const image = createTestPattern(13, 7);
    const bytes = encodePng(image);
    expect(PNG.sync.read(bytes)).toMatchObject({ colorType: 2, alpha: false, depth: 8 });
    expect(decodePng(bytes)).toEqual({ width: 13, height: 7, data: image.data });
  });

  it('expands grey and palette images to RGB', () => {
    const grey = new PNG({ width: 2, height: 1 });
    grey.data = Buffer.from([40, 40, 40, 255, 220, 220, 220, 255]);
    const greyBytes = PNG.sync.write(grey, { colorType: 0 });
    expect(PNG.sync.read(greyBytes).colorType).toBe(0);
    expect(Array.from(decodePng(greyBytes).data)).toEqual([40, 40, 40, 220, 220, 220]);
    expect(Array.from(decodePng(palettePng()).data)).toEqual([200, 100, 50, 10, 20, 30]);
  });

  it('composites alpha on white', () => {
    const rgba = new PNG({ width: 3, height: 1 });
    // Opaque red, fully transparent black, half-transparent blue.
    rgba.data = Buffer.from([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 128]);
    const decoded = decodePng(PNG.sync.write(rgba, { colorType: 6 }));
    expect(Array.from(decoded.data)).toEqual([255, 0, 0, 255, 255, 255, 127, 127, 255]);
  });
});
