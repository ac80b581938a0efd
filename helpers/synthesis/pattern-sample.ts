import { randomInt } from 'node:crypto';

/** Characters a sample may use when the pattern leaves the choice open (`.`, `\w`, negated classes). */
const FREE = 'abcdefghijklmnopqrstuvwxyz0123456789';
const DIGITS = '0123456789';
const WORD = `${FREE}ABCDEFGHIJKLMNOPQRSTUVWXYZ_`;

/** How many repetitions an open quantifier (`*`, `+`, `{n,}`) gets: enough randomness for a fresh key. */
const OPEN_REPEAT = 10;

interface Cursor {
  readonly pattern: string;
  at: number;
}

function pick(chars: string): string {
  return chars.charAt(randomInt(0, chars.length));
}

function escapeClass(c: string): string {
  switch (c) {
    case 'd':
      return DIGITS;
    case 'w':
      return WORD;
    case 's':
      return ' ';
    default:
      return c;
  }
}

/** `[a-z0-9_-]` → its members; a negated class gets the free characters it does not list. */
function readClass(cursor: Cursor): string {
  const { pattern } = cursor;
  cursor.at += 1;
  const negated = pattern[cursor.at] === '^';
  if (negated) cursor.at += 1;
  let members = '';
  let first = true;
  while (cursor.at < pattern.length && (pattern[cursor.at] !== ']' || first)) {
    first = false;
    let c = pattern[cursor.at] ?? '';
    if (c === '[' && pattern.startsWith('[:', cursor.at)) {
      const end = pattern.indexOf(':]', cursor.at);
      const name = pattern.slice(cursor.at + 2, end);
      members += name === 'digit' ? DIGITS : name === 'upper' ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' : FREE;
      cursor.at = end + 2;
      continue;
    }
    if (c === '\\') {
      cursor.at += 1;
      c = escapeClass(pattern[cursor.at] ?? '');
      members += c;
      cursor.at += 1;
      continue;
    }
    const to = pattern[cursor.at + 2];
    if (pattern[cursor.at + 1] === '-' && to !== undefined && to !== ']') {
      for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code += 1)
        members += String.fromCharCode(code);
      cursor.at += 3;
      continue;
    }
    members += c;
    cursor.at += 1;
  }
  cursor.at += 1;
  if (!negated) return members;
  return [...WORD].filter((c) => !members.includes(c)).join('') || 'a';
}

/** `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` after an atom: how many times to repeat it. */
function readRepeat(cursor: Cursor): number {
  const c = cursor.pattern[cursor.at];
  if (c === '?') {
    cursor.at += 1;
    return 1;
  }
  if (c === '*' || c === '+') {
    cursor.at += 1;
    return OPEN_REPEAT;
  }
  if (c === '{') {
    const end = cursor.pattern.indexOf('}', cursor.at);
    const [low, high] = cursor.pattern.slice(cursor.at + 1, end).split(',');
    cursor.at = end + 1;
    const min = Number(low);
    if (high === undefined) return min;
    return high === '' ? Math.max(min, OPEN_REPEAT) : Math.max(min, Math.min(Number(high), OPEN_REPEAT));
  }
  return 1;
}

/** A parsed piece of a pattern: characters to pick one from, or a group of alternatives; repeated. */
type PatternNode =
  | { readonly kind: 'chars'; readonly members: string; readonly times: number }
  | { readonly kind: 'group'; readonly alternatives: readonly PatternNode[][]; readonly times: number };

/** One alternative (up to `|` or `)`) of a sequence. */
function parseSequence(cursor: Cursor): PatternNode[] {
  const nodes: PatternNode[] = [];
  const { pattern } = cursor;
  while (cursor.at < pattern.length) {
    const c = pattern[cursor.at] ?? '';
    if (c === '|' || c === ')') break;
    if (c === '^' || c === '$') {
      cursor.at += 1;
      continue;
    }
    if (c === '(') {
      cursor.at += 1;
      if (pattern.startsWith('?:', cursor.at)) cursor.at += 2;
      const alternatives = parseAlternatives(cursor);
      nodes.push({ kind: 'group', alternatives, times: readRepeat(cursor) });
      continue;
    }
    let members: string;
    if (c === '[') {
      members = readClass(cursor);
    } else if (c === '\\') {
      members = escapeClass(pattern[cursor.at + 1] ?? '');
      cursor.at += 2;
    } else {
      members = c === '.' ? FREE : c;
      cursor.at += 1;
    }
    nodes.push({ kind: 'chars', members, times: readRepeat(cursor) });
  }
  return nodes;
}

/** Alternatives up to and including the closing `)` (or the end of the pattern). */
function parseAlternatives(cursor: Cursor): PatternNode[][] {
  const alternatives = [parseSequence(cursor)];
  while (cursor.pattern[cursor.at] === '|') {
    cursor.at += 1;
    alternatives.push(parseSequence(cursor));
  }
  if (cursor.pattern[cursor.at] === ')') cursor.at += 1;
  return alternatives;
}

function generate(nodes: readonly PatternNode[]): string {
  let out = '';
  for (const node of nodes) {
    for (let i = 0; i < node.times; i += 1) {
      if (node.kind === 'chars') out += pick(node.members);
      else out += generate(node.alternatives[randomInt(0, node.alternatives.length)] ?? []);
    }
  }
  return out;
}

/**
 * A random string that a POSIX regular expression of the common shapes matches (anchors, literals,
 * classes, `\d \w`, groups with `|`, quantifiers). A guess to try, not a guarantee: the caller checks
 * it with the database (the CHECK itself) before using it.
 *
 * @example
 * ```ts
 * patternSample('^[A-Z]{3}-[0-9]{4}$'); // e.g. 'QZK-4821'
 * ```
 */
export function patternSample(pattern: string): string {
  const alternatives = parseAlternatives({ pattern, at: 0 });
  return generate(alternatives[randomInt(0, alternatives.length)] ?? []);
}

/** The regular expressions a CHECK matches a column against (`col ~ '…'`), as `pg_get_constraintdef` prints them. */
export function patternsInCheck(check: string): string[] {
  const found: string[] = [];
  for (const match of check.matchAll(/~\*? '((?:[^']|'')*)'/g))
    found.push((match[1] ?? '').replaceAll("''", "'"));
  return found;
}
