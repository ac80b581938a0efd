import { CE_SECTIONS, type CeSection } from '../helpers/config/gate-config.ts';

/**
 * Stable check ids: `ceNN.` followed by dot-separated lowercase segments (`[a-z0-9_-]`), e.g.
 * `ce23.rls.documents.update-other-tenant`. Underscores stay so table names read as they are.
 */
const CHECK_ID_PATTERN = /^ce(\d{2})(\.[a-z0-9_-]+)+$/;

/** Lowercase, anything outside `[a-z0-9_]` collapsed to `-`, no leading or trailing `-`. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `CE-23` → `ce23`. */
export function ceIdPrefix(ce: CeSection): string {
  return ce.replace('-', '').toLowerCase();
}

/**
 * Builds a check id from its CE section and free-text parts, each slugified:
 * `checkId('CE-23', 'rls', 'wbs_items', 'UPDATE other tenant')` → `ce23.rls.wbs_items.update-other-tenant`.
 */
export function checkId(ce: CeSection, ...parts: readonly string[]): string {
  const segments = parts.map(slugify).filter((segment) => segment.length > 0);
  if (segments.length === 0) {
    throw new Error(`checkId(${ce}) needs at least one non-empty part; got ${JSON.stringify(parts)}.`);
  }
  return [ceIdPrefix(ce), ...segments].join('.');
}

/** Throws with the bad id in the message unless `id` is well formed and starts with `ce`'s prefix. */
export function assertCheckId(id: string, ce: CeSection): void {
  const match = CHECK_ID_PATTERN.exec(id);
  if (match === null) {
    throw new Error(
      `Check id ${JSON.stringify(id)} is malformed: use "ceNN." plus dot-separated [a-z0-9_-] segments, e.g. "ce23.rls.documents.select-other-tenant".`,
    );
  }
  if (!id.startsWith(`${ceIdPrefix(ce)}.`)) {
    throw new Error(
      `Check id ${JSON.stringify(id)} does not belong to ${ce}: it must start with "${ceIdPrefix(ce)}.".`,
    );
  }
}

/** The CE section a check id names: `ce24.fk.count` → `CE-24`; null when it starts with no known `ceNN.`. */
export function ceOfCheckId(id: string): CeSection | null {
  const match = /^ce(\d{2})\./.exec(id);
  if (match === null) return null;
  const section = `CE-${match[1] ?? ''}`;
  return CE_SECTIONS.find((known) => known === section) ?? null;
}

/**
 * The CE section a suite file belongs to, from its name: `suites/ce23-rls.test.ts` → `CE-23`.
 * Null when the file name does not start with a known `ceNN`.
 */
export function ceFromModulePath(modulePath: string): CeSection | null {
  const fileName = modulePath.split(/[\\/]/).pop() ?? '';
  const match = /^ce(\d{2})(?=[-_.])/i.exec(fileName);
  if (match === null) return null;
  const section = `CE-${match[1] ?? ''}`;
  return CE_SECTIONS.find((known) => known === section) ?? null;
}
