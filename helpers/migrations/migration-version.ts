import { GateError } from '../gate-error.ts';

/**
 * Migration versions compare by number, segment by segment: `003` < `10`, `20240101120000` <
 * `20240102090000`, Flyway's `1.1` < `1.10` < `2`. A missing segment counts as 0, so `1` = `1.0`.
 */
export function compareVersions(a: string, b: string): number {
  const left = segmentsOf(a);
  const right = segmentsOf(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const x = left[index] ?? 0n;
    const y = right[index] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Whether `version` is a version the gate can compare (digits, optionally dot-separated). */
export function isComparableVersion(version: string): boolean {
  return /^\d+(?:\.\d+)*$/.test(version);
}

function segmentsOf(version: string): readonly bigint[] {
  if (!isComparableVersion(version)) {
    throw new GateError(
      `Migration version "${version}" is not a number (nor dot-separated numbers); the database's alembic_version or the file names hold a version the gate cannot order.`,
    );
  }
  return version.split('.').map((segment) => BigInt(segment));
}

/**
 * The rollback target that means "before the first migration": `none`, or `0` (any number of zeros)
 * when no migration has version 0.
 */
export function isBeforeFirst(target: string, versions: readonly string[]): boolean {
  if (target === 'none') return true;
  return /^0+$/.test(target) && !versions.some((version) => compareVersions(version, target) === 0);
}
