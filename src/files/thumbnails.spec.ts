import sharp from 'sharp';
import {
  ifNoneMatchMatches,
  MAX_INPUT_PIXELS,
  renderThumbnail,
  THUMBNAIL_SOURCE_TYPES,
  thumbnailEtag,
} from './thumbnails';

describe('thumbnail rules', () => {
  const file = { id: 'f1', version: 3, sha256: 'ab'.repeat(32) };

  it('are made of JPEG, PNG, GIF and WebP only', () => {
    expect([...THUMBNAIL_SOURCE_TYPES].sort()).toEqual([
      'image/gif',
      'image/jpeg',
      'image/png',
      'image/webp',
    ]);
  });

  it('tag a thumbnail by the hash and size, or by id and version without a hash', () => {
    expect(thumbnailEtag(file, 256)).toBe(`"${file.sha256}-256"`);
    expect(thumbnailEtag(file, 128)).not.toBe(thumbnailEtag(file, 256));
    expect(thumbnailEtag({ ...file, sha256: null }, 512)).toBe('"f1.v3-512"');
  });

  it.each([
    ['"x-256"', true],
    ['W/"x-256"', true],
    ['"a", "x-256"', true],
    ['*', true],
    ['"x-128"', false],
    ['x-256', false],
    ['', false],
    [undefined, false],
  ])('If-None-Match %p matches "x-256": %p', (header, matches) => {
    expect(ifNoneMatchMatches(header, '"x-256"')).toBe(matches);
  });
});

describe('renderThumbnail', () => {
  it('fits inside the size, never enlarges, writes a JPEG without metadata', async () => {
    const png = await sharp({
      create: { width: 900, height: 300, channels: 4, background: '#123456' },
    })
      .png()
      .withMetadata({ orientation: 8 })
      .toBuffer();
    const small = await sharp(await renderThumbnail(png, 128)).metadata();
    // Orientation 8 turns 900 × 300 into 300 × 900, then it fits in 128 × 128.
    expect([small.format, small.width, small.height, small.exif]).toEqual([
      'jpeg',
      43,
      128,
      undefined,
    ]);
    const large = await sharp(await renderThumbnail(png, 1024)).metadata();
    expect([large.width, large.height]).toEqual([300, 900]);
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
    const header = await sharp({
      create: { width: side, height: side, channels: 3, background: '#000' },
      limitInputPixels: false,
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await expect(renderThumbnail(header, 256)).rejects.toThrow(/pixel limit/);
  });
});
