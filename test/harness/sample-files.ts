/**
 * Small real files of every kind the server accepts (and some it refuses), made in memory:
 * images by sharp, office documents as the zips and OLE files they are, for the documents'
 * unit and e2e tests.
 */
import archiver from 'archiver';
import sharp from 'sharp';

/** A minimal but valid PDF. */
export function samplePdf(text = 'Loan file'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n` +
      `2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\n` +
      `trailer << /Root 1 0 R >>\n%%EOF\n`,
  );
}

/** An image of `width` × `height` in `format` (a coloured square with a gradient of noise). */
export function sampleImage(
  format: 'jpeg' | 'png' | 'gif' | 'webp',
  width = 64,
  height = 48,
): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } },
  })
    .toFormat(format)
    .toBuffer();
}

/**
 * A JPEG carrying EXIF metadata (orientation 6 and a GPS position), as phone photos do. The
 * orientation goes through withMetadata: sharp writes its own tag, so an IFD0 one would be lost.
 */
export function samplePhotoWithExif(width = 80, height = 40): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '11/1 33/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** The start of a HEIC file (an ISO-BMFF `ftyp` box with the heic brand): enough to sniff. */
export function sampleHeic(): Buffer {
  const ftyp = Buffer.from('000000186674797068656963000000006d69663168656963', 'hex');
  return Buffer.concat([ftyp, Buffer.alloc(256, 0)]);
}

/** An OLE compound file (what .doc and .xls are): its signature and an empty header sector. */
export function sampleCompoundFile(): Buffer {
  const header = Buffer.alloc(512, 0);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header);
  return header;
}

async function zip(entries: Record<string, string>): Promise<Buffer> {
  const archive = archiver('zip');
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const [name, content] of Object.entries(entries)) archive.append(content, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

const CONTENT_TYPES = (part: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/${part}" ContentType="application/xml"/></Types>`;

/** A DOCX (a zip whose entries name word/). */
export function sampleDocx(): Promise<Buffer> {
  return zip({
    '[Content_Types].xml': CONTENT_TYPES('word/document.xml'),
    'word/document.xml':
      '<w:document><w:body><w:p><w:r><w:t>Loan</w:t></w:r></w:p></w:body></w:document>',
  });
}

/** An XLSX (a zip whose entries name xl/). */
export function sampleXlsx(): Promise<Buffer> {
  return zip({
    '[Content_Types].xml': CONTENT_TYPES('xl/workbook.xml'),
    'xl/workbook.xml': '<workbook><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>',
  });
}

/** UTF-8 text with Khmer and Latin letters. */
export function sampleText(): Buffer {
  return Buffer.from('Borrower notes / កំណត់ចំណាំ\nIncome: 1200 USD\n', 'utf8');
}

/** Bytes of no known type that are not text either. */
export function sampleBinary(): Buffer {
  return Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x10, 0x80, 0x00, 0x7f, 0x33]);
}
