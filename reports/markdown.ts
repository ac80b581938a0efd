/** Markdown building blocks that render the same on GitHub and in a terminal pager: no ANSI, no HTML. */
import { stripVTControlCharacters } from 'node:util';

/** Removes ANSI colour and cursor codes (Vitest colours its diffs). */
export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}

/** Makes text safe inside a table cell: no line breaks, `|` escaped, no ANSI. */
export function escapeCell(text: string): string {
  // GFM splits rows on unescaped pipes, also inside code spans, so every pipe is escaped.
  return stripAnsi(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ↵ ').trim();
}

/**
 * Escapes characters that would start markdown formatting or HTML in running text. Underscores and
 * `>` stay: GFM does not emphasise inside words, a `>` without `<` opens no tag, and check ids like
 * `wbs_items` and full names like `documents > UPDATE …` must stay greppable.
 */
export function escapeInline(text: string): string {
  return stripAnsi(text)
    .replace(/([\\`*[\]<])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** Text inside inline code; the fence grows when the text itself contains backticks. */
export function inlineCode(text: string): string {
  const clean = stripAnsi(text).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A GitHub table; cells are escaped here, so callers pass plain text (or already-built inline code). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(headers.map(escapeCell)),
    line(headers.map(() => '---')),
    ...rows.map((row) => line(headers.map((_, index) => escapeCell(row[index] ?? '')))),
  ].join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = 'text'): string {
  const clean = stripAnsi(text).replace(/\s+$/, '');
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${clean}\n${fence}`;
}

/** Cuts `text` to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** `1234.5` → `1.23 s`, `12.3` → `12.3 ms`, null → `—`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Number(ms.toFixed(1))} ms`;
}

/** Blocks joined by one blank line, ending with a newline. */
export function document(blocks: readonly (string | null)[]): string {
  return `${blocks.filter((block): block is string => block !== null && block.length > 0).join('\n\n')}\n`;
}
