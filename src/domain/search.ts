/**
 * Members search (docs/domain-rules.md §3): the query and a member's display name and email
 * address are split into words at white space and at `@ . _ - +`; every word of the query must
 * begin a word of the name or of the address, compared case- and accent-insensitively. `émi`
 * finds Émile, `lovel` Ada Lovelace, `demo` anyone @demo.example, `ada@demo` ada@demo.example.
 *
 * The same two functions fold the stored words and the query's, so that they compare bytewise
 * on every database.
 */

/** Where words end: white space and the separators of email addresses. */
const SEPARATORS = /[\s@._+-]+/u;

/** A stored word keeps its first 100 characters (code points); a query word is cut the same way. */
export const MAX_WORD_LENGTH = 100;

/** The longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 100;

/** Lower case without accents: `Émile` → `emile`, `Łódź` → `łodz` (letters without a decomposition stay). */
export function foldWord(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}

function wordsOf(text: string, into: Set<string>): void {
  for (const word of foldWord(text).split(SEPARATORS)) {
    if (word !== '') into.add([...word].slice(0, MAX_WORD_LENGTH).join(''));
  }
}

/** The distinct words a member is found by: those of their display name and of their email address. */
export function searchWords(...texts: readonly (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const text of texts) if (text) wordsOf(text, words);
  return [...words].sort();
}

/**
 * The words of a query, each of which must begin a word of the member's: distinct, and without
 * those another query word already implies (`ad adams` asks no more than `adams`).
 */
export function queryWords(query: string): string[] {
  const words = searchWords(query);
  return words.filter((word) => !words.some((other) => other !== word && other.startsWith(word)));
}

/**
 * The range of stored words a query word is the beginning of, for an index range scan: from the
 * word itself to just below it followed by the highest code point. Bytewise (UTF-8) order on both
 * databases, so no LIKE pattern and nothing to escape: `%` and `_` are letters here.
 */
export function prefixRange(word: string): [string, string] {
  return [word, `${word}\u{10FFFF}`];
}
