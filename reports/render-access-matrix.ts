/** The CE-23 access matrix: table × tenant context (rows) × command (columns) → observed outcome. */
import { MATRIX_COMMANDS, MATRIX_CONTEXTS, type AccessMatrixCell } from './check-meta.ts';
import { document, table } from './markdown.ts';

function cellText(cell: AccessMatrixCell): string {
  const mark = cell.ok ? '✅' : '❌';
  return cell.ok ? `${mark} ${cell.outcome}` : `${mark} ${cell.outcome} (expected ${cell.expected})`;
}

/**
 * Renders cells as one row per (table, context) and one column per command; an empty slot is `—`, and
 * two cells for the same slot are both shown. Returns null when there are no cells.
 */
export function renderAccessMatrix(cells: readonly AccessMatrixCell[]): string | null {
  if (cells.length === 0) return null;
  const tables = [...new Set(cells.map((cell) => cell.table))].sort();
  const rows: string[][] = [];
  for (const tableName of tables) {
    for (const context of MATRIX_CONTEXTS) {
      const inRow = cells.filter((cell) => cell.table === tableName && cell.context === context);
      if (inRow.length === 0) continue;
      rows.push([
        tableName,
        context,
        ...MATRIX_COMMANDS.map((command) => {
          const slot = inRow.filter((cell) => cell.command === command);
          return slot.length === 0 ? '—' : slot.map(cellText).join('; ');
        }),
      ]);
    }
  }
  const failing = cells.filter((cell) => !cell.ok).length;
  const scope = `${cells.length} ${cells.length === 1 ? 'cell' : 'cells'} across ${tables.length} ${tables.length === 1 ? 'table' : 'tables'}`;
  const summary =
    failing === 0
      ? `${scope}; every outcome matches its expectation.`
      : `${scope}; **${failing} outcome(s) do not match their expectation** (❌).`;
  return document([
    summary,
    table(['Table', 'Context', ...MATRIX_COMMANDS], rows),
    "_own-tenant_: the tenant setting names the row's tenant; _other-tenant_: it names a different tenant; _no-tenant_: the setting is unset. Allowed access must reach the rows; denied access must be refused or touch 0 rows.",
  ]).trimEnd();
}
