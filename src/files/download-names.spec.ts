import { downloadName, folderPaths, uniqueEntryNames } from './download-names';

describe('downloadName', () => {
  const stored = { filename: '0b6f.jpg', mimeType: 'image/jpeg', originalFilename: 'IMG_0042.JPG' };

  it('is the original name without a display name', () => {
    expect(downloadName({ ...stored, displayName: null })).toBe('IMG_0042.JPG');
    expect(downloadName({ ...stored, displayName: '  ' })).toBe('IMG_0042.JPG');
  });

  it("is the display name, with the stored file's extension when it has none", () => {
    expect(downloadName({ ...stored, displayName: 'ID card (front)' })).toBe('ID card (front).jpg');
    expect(downloadName({ ...stored, displayName: 'ID card.jpeg' })).toBe('ID card.jpeg');
  });

  it('never carries a path or control characters', () => {
    expect(downloadName({ ...stored, displayName: '../../etc/passwd\u0000' })).toBe('passwd.jpg');
  });

  it("adds the stored extension to a name of another type's", () => {
    expect(downloadName({ ...stored, displayName: 'a\\scan\u202e.exe' })).toBe('scan.exe.jpg');
    expect(downloadName({ ...stored, displayName: 'photo.png' })).toBe('photo.png.jpg');
    const text = { filename: '1.txt', mimeType: 'text/plain', displayName: null };
    expect(downloadName({ ...text, originalFilename: 'income.csv' })).toBe('income.csv');
    expect(downloadName({ ...text, originalFilename: 'notes' })).toBe('notes.txt');
  });
});

describe('folderPaths', () => {
  it('joins the names from the root, cleaned', () => {
    const paths = folderPaths([
      { id: 'b', name: 'ID cards', parentId: 'a' },
      { id: 'a', name: 'borrower-documents', parentId: null },
      { id: 'c', name: '../evil', parentId: 'b' },
    ]);
    expect(Object.fromEntries(paths)).toEqual({
      a: 'borrower-documents',
      b: 'borrower-documents/ID cards',
      c: 'borrower-documents/ID cards/evil',
    });
  });

  it('stops at a missing parent or a cycle', () => {
    const paths = folderPaths([
      { id: 'x', name: 'orphan', parentId: 'gone' },
      { id: 'p', name: 'p', parentId: 'q' },
      { id: 'q', name: 'q', parentId: 'p' },
    ]);
    expect(paths.get('x')).toBe('orphan');
    expect(paths.get('p')).toBe('q/p');
    expect(paths.get('q')).toBe('p/q');
  });
});

describe('uniqueEntryNames', () => {
  it('numbers repeated names, ignoring case, keeping the extension', () => {
    expect(
      uniqueEntryNames([
        { name: 'a.pdf', folderPath: null },
        { name: 'A.PDF', folderPath: null },
        { name: 'a.pdf', folderPath: null },
        { name: 'notes', folderPath: null },
        { name: 'notes', folderPath: null },
      ]),
    ).toEqual(['a.pdf', 'A (2).PDF', 'a (3).pdf', 'notes', 'notes (2)']);
  });

  it('keeps the same name in different folders, and skips a number already used', () => {
    expect(
      uniqueEntryNames([
        { name: 'a.pdf', folderPath: 'borrower-documents' },
        { name: 'a.pdf', folderPath: 'guarantor-documents' },
        { name: 'a (2).pdf', folderPath: null },
        { name: 'a.pdf', folderPath: null },
        { name: 'a.pdf', folderPath: null },
      ]),
    ).toEqual([
      'borrower-documents/a.pdf',
      'guarantor-documents/a.pdf',
      'a (2).pdf',
      'a.pdf',
      'a (3).pdf',
    ]);
  });

  it("never gives a file a folder's name", () => {
    expect(
      uniqueEntryNames([
        { name: 'x.pdf', folderPath: 'docs/inner' },
        { name: 'docs', folderPath: null },
        { name: 'inner', folderPath: 'docs' },
      ]),
    ).toEqual(['docs/inner/x.pdf', 'docs (2)', 'docs/inner (2)']);
  });
});
