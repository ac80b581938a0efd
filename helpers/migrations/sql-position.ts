/** 1-based line number of a 0-based character offset (Postgres reports error positions as offsets). */
export function lineOfOffset(sql: string, offset: number): number {
  return lineIndex(sql)(offset);
}

/**
 * Line numbers of many offsets in one text: the line starts are found once, then each offset by binary
 * search (a migration of thousands of statements would otherwise be rescanned from its start for each).
 */
export function lineIndex(sql: string): (offset: number) => number {
  const starts = [0];
  for (let index = 0; index < sql.length; index++) if (sql.charCodeAt(index) === 10) starts.push(index + 1);
  return (offset) => {
    const target = Math.min(offset, sql.length);
    // The number of line starts at or before the offset is its line number.
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((starts[middle] ?? 0) <= target) low = middle + 1;
      else high = middle;
    }
    return Math.max(1, low);
  };
}
