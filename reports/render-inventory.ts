/**
 * Inventories in a CE report: each listing a check recorded, as a full table. Unlike measured values
 * and offending rows, nothing is shortened: an inventory exists so that a reviewer can read all of it.
 */
import type { CheckEvidence, InventoryEvidence } from './evidence-model.ts';
import { formatStatus } from './format-values.ts';
import type { JsonValue } from '../helpers/json-value.ts';
import { document, escapeInline, inlineCode, table } from './markdown.ts';

/** Marks a key a row does not have, so a blank value and a missing one read differently. */
const MISSING = '—';

/** A cell value in full: strings bare, everything else as compact JSON. */
function cellText(value: JsonValue | undefined): string {
  if (value === undefined) return MISSING;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `32 rows`, `1 row`, or `1000 of 1200 rows (the rest were not recorded)`. */
function rowCount(inventory: InventoryEvidence): string {
  const unit = inventory.total === 1 ? 'row' : 'rows';
  return inventory.total > inventory.rows.length
    ? `${inventory.rows.length} of ${inventory.total} ${unit} (the rest were not recorded)`
    : `${inventory.total} ${unit}`;
}

/**
 * What the Results table says about a check's inventories instead of repeating them:
 * `inventory Foreign keys: 32 rows`; null when the check recorded none.
 */
export function summariseInventories(check: CheckEvidence): string | null {
  if (check.inventories.length === 0) return null;
  return check.inventories
    .map((inventory) => `inventory ${inventory.title}: ${rowCount(inventory)}`)
    .join(', ');
}

/** One inventory: heading, the check it came from, and a table of every recorded row. */
export function renderInventory(check: CheckEvidence, inventory: InventoryEvidence): string {
  const source = `From check ${inlineCode(check.id)} (${formatStatus(check.status)}): ${rowCount(inventory)}.`;
  const body =
    inventory.rows.length === 0 || inventory.columns.length === 0
      ? 'No rows.'
      : table(
          inventory.columns,
          inventory.rows.map((row) => inventory.columns.map((column) => cellText(row[column]))),
        );
  return document([`### ${escapeInline(inventory.title)}`, source, body]).trimEnd();
}

/** The `## Inventories` section of `checks`, in check order; null when none recorded an inventory. */
export function renderInventories(checks: readonly CheckEvidence[]): string | null {
  const blocks = checks.flatMap((check) =>
    check.inventories.map((inventory) => renderInventory(check, inventory)),
  );
  if (blocks.length === 0) return null;
  return document(['## Inventories', ...blocks]).trimEnd();
}
