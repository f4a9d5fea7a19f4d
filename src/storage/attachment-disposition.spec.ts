import { attachmentDisposition } from './storage.service';

describe('attachmentDisposition', () => {
  it('keeps a non-ASCII name in filename* (RFC 5987) with an ASCII fallback', () => {
    expect(attachmentDisposition("reçu (2024)'s *final*!.pdf")).toBe(
      `attachment; filename="re_u (2024)'s *final*!.pdf"; ` +
        `filename*=UTF-8''re%C3%A7u%20%282024%29%27s%20%2Afinal%2A%21.pdf`,
    );
  });

  it('escapes quotes and backslashes in the fallback', () => {
    expect(attachmentDisposition('a"b\\c.txt')).toBe(
      `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`,
    );
  });

  it('gives an ASCII-only name for s3rver, without the characters it cannot sign', () => {
    expect(attachmentDisposition("reçu (2024)'s.pdf", true)).toBe(
      `attachment; filename="re_u _2024__s.pdf"`,
    );
  });
});
