import { expect, test } from "bun:test";
import { imageSize } from "image-size";
import { makeTestJpegHeader } from "./__fixtures__/sample-files.ts";
import { jpegSize } from "./jpeg-size.ts";

const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];

test("the frame header's size, as image-size reads it", () => {
  for (const [width, height] of [[2, 2], [640, 480], [65535, 1]] as const) {
    const bytes = makeTestJpegHeader(width, height);
    expect(jpegSize(bytes)).toEqual({ width, height });
    expect(imageSize(bytes)).toMatchObject({ width, height });
  }
});

test("segments before the frame are skipped whole, fill bytes and progressive frames are understood", () => {
  const exif = segment(0xe1, [...Buffer.from("Exif\0\0MM"), ...new Array(5000).fill(0xff)]);
  const progressive = segment(0xc2, [8, 0x01, 0x2c, 0x00, 0xc8, 1, 1, 0x11, 0]);
  const bytes = new Uint8Array([0xff, 0xd8, ...exif, 0xff, 0xff, ...segment(0xdb, new Array(64).fill(1)), ...progressive, 0xff, 0xd9]);
  expect(jpegSize(bytes)).toEqual({ width: 200, height: 300 });
});

test.each([
  ["no frame before the scan", [0xff, 0xd8, ...segment(0xda, [1, 2, 3]), 0xff, 0xd9]],
  ["a segment that is not one", [0xff, 0xd8, 0x01, 0x01, 0x01, 0x01]],
  ["cut inside the frame header", [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08]],
  ["not a JPEG", [0x89, 0x50, 0x4e, 0x47]],
])("%s → null", (_name, bytes) => {
  expect(jpegSize(new Uint8Array(bytes))).toBeNull();
});

test("6 MB that image-size would walk byte by byte is refused at its first broken segment", () => {
  const hostile = new Uint8Array(6_000_000).fill(1);
  hostile.set([0xff, 0xd8, 0xff, 0xe0]);
  expect(jpegSize(hostile)).toBeNull();
});
