/**
 * @module The width and height of a JPEG from its frame header, found by jumping from segment to segment.
 * image-size steps one byte at a time when a segment does not begin where it expects one, ~1 s for a hostile 6 MB
 * file; this walk costs one step per segment (every segment is at least 4 bytes), and ends at the first scan.
 */

/** Start-of-frame markers: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC), which are not frames. */
function isFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers that stand alone, without a length: TEM and RST0–RST7. */
function standsAlone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

const START_OF_SCAN = 0xda;

/** The frame's size, or null when the bytes end, break the structure, or reach the image data before a frame. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    // any number of 0xFF fill bytes may precede a marker
    while (bytes[at + 1] === 0xff && at + 2 < bytes.length) at++;
    const marker = bytes[at + 1] as number;
    at += 2;
    if (standsAlone(marker)) continue;
    if (marker === START_OF_SCAN || marker === 0xd9 || at + 1 >= bytes.length) return null;
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    if (length < 2) return null;
    if (isFrame(marker)) {
      if (at + 7 > bytes.length) return null;
      const height = ((bytes[at + 3] as number) << 8) | (bytes[at + 4] as number);
      const width = ((bytes[at + 5] as number) << 8) | (bytes[at + 6] as number);
      return { width, height };
    }
    at += length;
  }
  return null;
}
