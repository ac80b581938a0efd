import { describe, expect, test } from 'vitest';
import {
  codeBlock,
  escapeCell,
  escapeInline,
  formatDuration,
  inlineCode,
  table,
  truncate,
} from '../../reports/markdown.ts';

describe('markdown helpers', () => {
  test('table cells escape pipes, fold newlines and drop ANSI codes', () => {
    expect(escapeCell('\u001b[31ma | b\u001b[39m\nnext')).toBe('a \\| b ↵ next');
    expect(table(['Name', 'Value'], [['x|y', 'multi\r\nline'], ['short']])).toBe(
      ['| Name | Value |', '| --- | --- |', '| x\\|y | multi ↵ line |', '| short |  |'].join('\n'),
    );
  });

  test('code fences and inline code grow past backticks inside the text', () => {
    expect(codeBlock('a ``` b')).toBe('````text\na ``` b\n````');
    expect(codeBlock('\u001b[2mplain\u001b[22m  \n')).toBe('```text\nplain\n```');
    expect(inlineCode('id')).toBe('`id`');
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`edge')).toBe('`` `edge ``');
  });

  test('running text escapes markup but keeps identifiers with underscores greppable', () => {
    expect(escapeInline('<b>*x*</b> wbs_items > next')).toBe('\\<b>\\*x\\*\\</b> wbs_items > next');
  });

  test('durations and truncation', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(12.345)).toBe('12.3 ms');
    expect(formatDuration(1234.5)).toBe('1.23 s');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});
