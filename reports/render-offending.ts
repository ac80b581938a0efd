/** Offending rows or objects: a table when they are records, a JSON block otherwise. */
import { isJsonObject, type JsonValue } from '../helpers/json-value.ts';
import { codeBlock, table } from './markdown.ts';
import { formatValue } from './format-values.ts';

/** Rows shown in a report; all of them are in evidence.json. */
export const MAX_RENDERED_ROWS = 50;
const MAX_COLUMNS = 12;

/** Renders up to {@link MAX_RENDERED_ROWS} rows, saying how many there were in total. */
export function renderOffending(rows: readonly JsonValue[], total: number): string {
  const shown = rows.slice(0, MAX_RENDERED_ROWS);
  const caption =
    total > shown.length
      ? `Offending rows: ${total} (first ${shown.length} shown; evidence.json keeps ${rows.length}).`
      : `Offending rows: ${total}.`;
  const records = shown.filter(isJsonObject);
  if (records.length !== shown.length || records.length === 0) {
    return `${caption}\n\n${codeBlock(JSON.stringify(shown, null, 2), 'json')}`;
  }
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))].slice(0, MAX_COLUMNS);
  const body = records.map((record) =>
    columns.map((column) => {
      const value = record[column];
      return value === undefined ? '' : formatValue(value);
    }),
  );
  return `${caption}\n\n${table(columns, body)}`;
}
