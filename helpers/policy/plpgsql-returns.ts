/**
 * The expressions a PL/pgSQL body RETURNs, found with a small lexer (quotes, dollar quotes, comments,
 * parentheses) — libpg-query's PL/pgSQL parser is not in the installed version. `RETURN QUERY` and
 * `RETURN NEXT` come back as `undefined`: a set, not one value the gate can follow.
 */
export function plpgsqlReturnExpressions(body: string): readonly (string | undefined)[] {
  const found: (string | undefined)[] = [];
  let i = 0;
  const length = body.length;
  const isWordChar = (ch: string | undefined): boolean =>
    ch !== undefined &&
    ((ch >= 'a' && ch <= 'z') ||
      (ch >= 'A' && ch <= 'Z') ||
      (ch >= '0' && ch <= '9') ||
      ch === '_' ||
      ch === '$');

  /** Index just past the quoted text, comment or dollar-quoted text starting at `at`, or `at`. */
  const skipOpaque = (at: number): number => {
    const ch = body[at];
    const next = body[at + 1];
    if (ch === "'" || ch === '"') {
      let j = at + 1;
      while (j < length) {
        if (body[j] === ch) {
          if (body[j + 1] === ch) j += 2;
          else return j + 1;
        } else j += 1;
      }
      return length;
    }
    if (ch === '-' && next === '-') {
      const end = body.indexOf('\n', at);
      return end === -1 ? length : end + 1;
    }
    if (ch === '/' && next === '*') {
      const end = body.indexOf('*/', at + 2);
      return end === -1 ? length : end + 2;
    }
    if (ch === '$' && !isWordChar(body[at - 1])) {
      let j = at + 1;
      while (j < length && body[j] !== '$' && isWordChar(body[j])) j += 1;
      if (body[j] === '$') {
        const tag = body.slice(at, j + 1);
        const end = body.indexOf(tag, j + 1);
        return end === -1 ? length : end + tag.length;
      }
    }
    return at;
  };

  while (i < length) {
    const skipped = skipOpaque(i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const ch = body[i];
    if (isWordChar(ch) && !isWordChar(body[i - 1])) {
      let end = i;
      while (end < length && isWordChar(body[end])) end += 1;
      const word = body.slice(i, end).toLowerCase();
      if (word === 'return') {
        const expressionEnd = statementEnd(end);
        const text = body.slice(end, expressionEnd).trim();
        const first = firstWord(text);
        found.push(first === 'query' || first === 'next' ? undefined : text);
        i = expressionEnd + 1;
        continue;
      }
      i = end;
      continue;
    }
    i += 1;
  }
  return found;

  function statementEnd(from: number): number {
    let depth = 0;
    let j = from;
    while (j < length) {
      const skippedTo = skipOpaque(j);
      if (skippedTo !== j) {
        j = skippedTo;
        continue;
      }
      const c = body[j];
      if (c === '(') depth += 1;
      else if (c === ')') depth -= 1;
      else if (c === ';' && depth <= 0) return j;
      j += 1;
    }
    return length;
  }

  function firstWord(text: string): string {
    let end = 0;
    while (end < text.length && isWordChar(text[end])) end += 1;
    return text.slice(0, end).toLowerCase();
  }
}
