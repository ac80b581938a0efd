/** Writes a run's report files under `<base>/<runId>/` and points `<base>/latest` at the newest run. */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { slugify } from './check-id.ts';
import { DEFAULT_REPORT_DIR, LATEST_DIR, REPORT_DIR_ENV } from './report-files.ts';

/** One rendered file of a report set. */
export interface ReportFile {
  readonly name: string;
  readonly content: string;
}

export interface WrittenReportSet {
  readonly runId: string;
  readonly directory: string;
  readonly files: readonly string[];
  /** `<base>/latest`, or null when it could not be updated (the run directory is still complete). */
  readonly latest: string | null;
}

/**
 * A run id that sorts by time: `20260108T120000123Z-local-3f9a1c` (UTC timestamp with milliseconds,
 * project slug, 6 random hex digits so two runs in the same millisecond do not collide).
 */
export function createRunId(
  project: string,
  now: Date = new Date(),
  random: string = randomBytes(3).toString('hex'),
): string {
  const timestamp = now.toISOString().replace(/[-:.]/g, '');
  return `${timestamp}-${slugify(project) || 'project'}-${random}`;
}

/** Base directory: the explicit option, else `$MIGRATION_GATE_REPORT_DIR`, else `<root>/reports/out`. */
export function resolveReportBase(
  root: string,
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = option ?? env[REPORT_DIR_ENV] ?? DEFAULT_REPORT_DIR;
  return isAbsolute(chosen) ? chosen : resolve(root, chosen);
}

/** Writes every file of a run; throws when the run directory cannot be written. */
export async function writeReportSet(
  base: string,
  runId: string,
  files: readonly ReportFile[],
): Promise<WrittenReportSet> {
  const directory = join(base, runId);
  await mkdir(directory, { recursive: true });
  for (const file of files) await writeFile(join(directory, file.name), file.content, 'utf8');
  const latest = await pointLatest(base, runId).catch(() => null);
  return { runId, directory, files: files.map((file) => join(directory, file.name)), latest };
}

/**
 * Points `<base>/latest` at `<base>/<runId>`: a relative symlink swapped in with a rename (so a reader
 * never sees it missing), or a copy where symlinks are not allowed (Windows without privileges).
 */
export async function pointLatest(base: string, runId: string): Promise<string> {
  const latest = join(base, LATEST_DIR);
  const temporary = join(base, `.${LATEST_DIR}-${runId}`);
  try {
    await symlink(runId, temporary, 'junction');
    await replaceWith(temporary, latest);
  } catch {
    await rm(temporary, { recursive: true, force: true });
    await rm(latest, { recursive: true, force: true });
    await cp(join(base, runId), latest, { recursive: true });
  }
  return latest;
}

async function replaceWith(source: string, target: string): Promise<void> {
  // rename() replaces a symlink atomically but not a real directory (left by an earlier copy).
  const isLink = await readlink(target).then(
    () => true,
    () => false,
  );
  if (!isLink) await rm(target, { recursive: true, force: true });
  await rename(source, target);
}
