/**
 * Edit distance between two words, counting an insertion, a deletion, a substitution or the swap
 * of two neighbouring letters as one edit (optimal string alignment): `devcies` is one edit from
 * `devices`, as a typist would count it.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: edits between the first i letters of a and the first j letters of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate a mistyped word most likely meant: the nearest within one edit per three letters
 * (at least one), else the only candidate it begins (for abbreviations such as `rec`). Undefined
 * when nothing is close: a wild guess helps less than the list of what exists.
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  const extensions = word.length >= 3 ? candidates.filter((c) => c.startsWith(word)) : [];
  return extensions.length === 1 ? extensions[0] : undefined;
}

/** ` (did you mean X?)` after a message when a candidate is close to the word, else nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closestWord(word, candidates);
  return guess === undefined ? '' : ` (did you mean ${guess}?)`;
}
