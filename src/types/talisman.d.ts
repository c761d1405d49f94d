// talisman ships no type declarations; these cover the functions Mosaic uses.
declare module 'talisman/metrics/jaro-winkler' {
  /** Jaro-Winkler similarity in [0, 1]. */
  export default function jaroWinkler(a: string, b: string): number;
}
declare module 'talisman/metrics/damerau-levenshtein' {
  /** Edit distance counting adjacent transpositions as one edit. */
  export default function damerauLevenshtein(a: string, b: string): number;
}
declare module 'talisman/phonetics/double-metaphone' {
  /** Primary and alternate Double Metaphone codes. */
  export default function doubleMetaphone(word: string): [string, string];
}
