/** `text` for use inside a LIKE pattern: `%`, `_` and the escape character match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
