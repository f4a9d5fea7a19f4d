import {
  sampleBinary,
  sampleCompoundFile,
  sampleDocx,
  sampleHeic,
  sampleImage,
  samplePdf,
  sampleText,
  sampleXlsx,
} from '../../test/harness/sample-files';
import { classify, detectFileKind, FILE_KINDS } from './file-types';

async function kindOf(bytes: Buffer, name: string) {
  const result = await detectFileKind(bytes, name);
  return result.ok ? result.kind.mime : `refused: ${result.detail}`;
}

describe('detectFileKind', () => {
  it.each([
    ['PDF', () => samplePdf(), 'contract.pdf', 'application/pdf'],
    ['JPEG', () => sampleImage('jpeg'), 'photo.JPG', 'image/jpeg'],
    ['JPEG (.jfif)', () => sampleImage('jpeg'), 'scan.jfif', 'image/jpeg'],
    ['PNG', () => sampleImage('png'), 'id-card.png', 'image/png'],
    ['GIF', () => sampleImage('gif'), 'stamp.gif', 'image/gif'],
    ['WebP', () => sampleImage('webp'), 'house.webp', 'image/webp'],
    ['HEIC', () => sampleHeic(), 'IMG_0001.HEIC', 'image/heic'],
    ['DOCX', () => sampleDocx(), 'letter.docx', FILE_KINDS.docx.mime],
    ['XLSX', () => sampleXlsx(), 'cashflow.xlsx', FILE_KINDS.xlsx.mime],
    ['DOC', () => sampleCompoundFile(), 'old-letter.doc', 'application/msword'],
    ['XLS', () => sampleCompoundFile(), 'old-sheet.XLS', 'application/vnd.ms-excel'],
    ['text', () => sampleText(), 'notes.txt', 'text/plain'],
    ['a name without an extension', () => samplePdf(), 'scan', 'application/pdf'],
  ])('knows %s', async (_what, make, name, mime) => {
    expect(await kindOf(await make(), name)).toBe(mime);
  });

  it.each([
    [
      'a PDF named .png',
      () => samplePdf(),
      'photo.png',
      /name ends in \.png but its content is application\/pdf/,
    ],
    ['a JPEG named .pdf', () => sampleImage('jpeg'), 'contract.pdf', /ends in \.pdf/],
    ['text named .docx', () => sampleText(), 'letter.docx', /ends in \.docx/],
    ['an OLE file named .ppt', () => sampleCompoundFile(), 'slides.ppt', /OLE compound file/],
    ['an OLE file without extension', () => sampleCompoundFile(), 'blob', /OLE compound file/],
    ['binary data', () => sampleBinary(), 'data.bin', /binary data of no known type/],
    ['a ZIP archive', async () => (await sampleDocx()).subarray(0, 4), 'a.zip', /not allowed/],
  ])('refuses %s', async (_what, make, name, detail) => {
    expect(await kindOf(await make(), name)).toMatch(detail);
  });

  it('accepts a multi-byte character cut at the end of the sniffed text', () => {
    const text = Buffer.from('ខ'.repeat(4000), 'utf8'); // 3 bytes each, 12,000 bytes
    expect(classify(undefined, text.subarray(0, 8191), 'notes.txt')).toMatchObject({ ok: true });
  });

  it('refuses text with a NUL or invalid UTF-8', () => {
    expect(classify(undefined, Buffer.from('abc\u0000def'), 'a.txt')).toMatchObject({ ok: false });
    expect(classify(undefined, Buffer.from([0x61, 0xc3, 0x28]), 'a.txt')).toMatchObject({
      ok: false,
    });
  });
});
