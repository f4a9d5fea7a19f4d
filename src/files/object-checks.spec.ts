import { ProblemException } from '../common/http/problem';
import { keyExtensionFor, sniffedMimeType } from './object-checks';

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

describe('keyExtensionFor', () => {
  it.each([
    ['Photo.JPEG', '.jpg'],
    ['scan.jfif', '.jpg'],
    ['Land title.PDF', '.pdf'],
    ['notes.csv', '.txt'],
    ['tool.exe', ''],
    ['no extension', ''],
    ['../../.pdf', ''],
  ])('%j gives the key %j', (name, extension) => expect(keyExtensionFor(name)).toBe(extension));
});

describe('sniffedMimeType', () => {
  it('takes the type from the bytes when the name and the key fit it', async () => {
    await expect(sniffedMimeType(pdf, 'a.pdf', 'user-uploads/u/k.pdf')).resolves.toBe(
      'application/pdf',
    );
    await expect(sniffedMimeType(pdf, 'scan', 'user-uploads/u/k')).resolves.toBe('application/pdf');
  });

  it('refuses (415) content that the name or the key announced as another type', async () => {
    for (const [name, key] of [
      ['a.png', 'user-uploads/u/k.pdf'],
      ['a.pdf', 'user-uploads/u/k.png'],
    ]) {
      const refusal = await sniffedMimeType(pdf, name, key).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ProblemException);
      expect((refusal as ProblemException).getStatus()).toBe(415);
    }
  });
});
