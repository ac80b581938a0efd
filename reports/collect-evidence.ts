/**
 * Vitest's public reporter entities (TestCase, TestModule) → {@link CheckEvidence}. Reads only
 * `result()`, `diagnostic()`, `meta()`, `annotations()`, `fullName` and module errors.
 */
import type { TestCase, TestModule, TestSuite } from 'vitest/node';
import type { CeSection, GateDefinition, GateId } from '../helpers/config/gate-config.ts';
import { ceFromModulePath, ceIdPrefix, slugify } from './check-id.ts';
import type { CheckInventory, CheckMeta } from './check-meta.ts';
import { toEvidenceError } from './collect-errors.ts';
import type { CheckEvidence, EvidenceError, InventoryEvidence } from './evidence-model.ts';

/** Prefix of derived ids for tests in files that are not named `ceNN-…`: the Invariants section. */
const NO_SECTION_PREFIX = 'invariant';

/** The gate whose sections contain `ce`, if any. */
export function gateOf(ce: CeSection | null, definitions: readonly GateDefinition[]): GateId | null {
  if (ce === null) return null;
  return definitions.find((definition) => definition.sections.includes(ce))?.id ?? null;
}

/** Test file path relative to its project root, `/`-separated. */
export function moduleFile(testModule: TestModule): string {
  return testModule.relativeModuleId.replace(/\\/g, '/');
}

function derivedId(ce: CeSection | null, ...parts: readonly string[]): string {
  const slug = parts
    .map(slugify)
    .filter((part) => part.length > 0)
    .join('.');
  return `${ce === null ? NO_SECTION_PREFIX : ceIdPrefix(ce)}.${slug.length > 0 ? slug : 'unnamed'}`;
}

/** An inventory as recorded → as reported: its columns are the union of the rows' keys, first seen first. */
export function toInventoryEvidence(inventory: CheckInventory): InventoryEvidence {
  const columns = [...new Set(inventory.rows.flatMap((row) => Object.keys(row)))];
  return { title: inventory.title, columns, rows: inventory.rows, total: inventory.total };
}

/** Why a test without a `ctx.skip(note)` note did not run. */
function skipReasonOf(testCase: TestCase): string {
  switch (testCase.options.mode) {
    case 'todo':
      return 'todo';
    case 'skip':
      return 'marked skip';
    default:
      break;
  }
  for (let parent = testCase.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return 'not run: the setup of its suite failed';
    if (parent.type === 'module') break;
  }
  return 'skipped at run time (ctx.skip() or a test-name filter)';
}

/** `suites/ce24-foreign-keys.test.ts` → `ce24-foreign-keys`. */
function moduleSlugName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.(test|spec)\.[cm]?[jt]sx?$/, '');
}

/** One test → one check. A test without `defineCheck` gets an id derived from its file and full name. */
export function checkFromTestCase(testCase: TestCase, definitions: readonly GateDefinition[]): CheckEvidence {
  const meta: CheckMeta | undefined = testCase.meta().check;
  const file = moduleFile(testCase.module);
  const ce = meta?.ce ?? ceFromModulePath(file);
  const result = testCase.result();
  const root = testCase.project.config.root;
  // A check that declared itself not applicable and then stopped is that, whatever else it is;
  // one that failed after declaring it still failed.
  const notApplicable = meta?.notApplicable !== undefined && result.state !== 'failed';
  const status = notApplicable
    ? 'not-applicable'
    : result.state === 'failed'
      ? 'failed'
      : result.state === 'passed'
        ? 'passed'
        : 'skipped';
  const errors: readonly EvidenceError[] =
    result.state === 'failed' ? result.errors.map((error) => toEvidenceError(error, root)) : [];
  const skipReason = notApplicable
    ? (meta?.notApplicable ?? null)
    : result.state === 'skipped'
      ? (result.note ?? skipReasonOf(testCase))
      : result.state === 'pending'
        ? 'did not finish'
        : null;
  const offending = meta?.offending ?? [];
  return {
    id: meta?.id ?? derivedId(ce, testCase.fullName),
    ce,
    gate: gateOf(ce, definitions),
    name: testCase.name,
    fullName: testCase.fullName,
    file,
    status,
    durationMs:
      status === 'skipped' || status === 'not-applicable' ? null : (testCase.diagnostic()?.duration ?? null),
    measured: meta?.measured ?? {},
    offending,
    offendingTotal: meta?.offendingTotal ?? offending.length,
    accessMatrix: meta?.accessMatrix ?? [],
    metric: meta?.metric ?? null,
    inventories: (meta?.inventories ?? []).map(toInventoryEvidence),
    errors,
    skipReason,
    notes: testCase.annotations().map((annotation) => annotation.message),
  };
}

/**
 * A module or suite that failed outside its tests (import error, failing `beforeAll`) becomes a failed
 * check of its own, because its tests may show only as skipped and would otherwise hide the failure.
 */
function errorCheck(
  entity: TestModule | TestSuite,
  definitions: readonly GateDefinition[],
): CheckEvidence | null {
  const errors = entity.errors();
  if (errors.length === 0) return null;
  const testModule = entity.type === 'module' ? entity : entity.module;
  const file = moduleFile(testModule);
  const ce = ceFromModulePath(file);
  const fullName = entity.type === 'module' ? file : entity.fullName;
  // A module is named by its file (`ce24-foreign-keys`), not its path, so the id stays short.
  const idName = entity.type === 'module' ? moduleSlugName(file) : entity.fullName;
  return {
    id: derivedId(ce, 'suite-error', idName),
    ce,
    gate: gateOf(ce, definitions),
    name: entity.type === 'module' ? `${file} (module)` : entity.name,
    fullName: `${fullName} (setup or collection error)`,
    file,
    status: 'failed',
    durationMs: null,
    measured: {},
    offending: [],
    offendingTotal: 0,
    accessMatrix: [],
    metric: null,
    inventories: [],
    errors: errors.map((error) => toEvidenceError(error, testModule.project.config.root)),
    skipReason: null,
    notes: [],
  };
}

/**
 * Every check of `modules`, in file and test order. `known` holds checks already collected in
 * `onTestCaseResult`, by `TestCase.id`; missing ones (skipped tests) are collected here.
 */
export function collectChecks(
  modules: readonly TestModule[],
  definitions: readonly GateDefinition[],
  known: ReadonlyMap<string, CheckEvidence> = new Map(),
): CheckEvidence[] {
  const checks: CheckEvidence[] = [];
  for (const testModule of modules) {
    const moduleError = errorCheck(testModule, definitions);
    if (moduleError !== null) checks.push(moduleError);
    for (const suite of testModule.children.allSuites()) {
      const suiteError = errorCheck(suite, definitions);
      if (suiteError !== null) checks.push(suiteError);
    }
    for (const testCase of testModule.children.allTests()) {
      checks.push(known.get(testCase.id) ?? checkFromTestCase(testCase, definitions));
    }
  }
  return dedupeIds(checks);
}

/** Ids must be unique in the evidence: a repeated id gets `-2`, `-3`… and a note saying so. */
export function dedupeIds(checks: readonly CheckEvidence[]): CheckEvidence[] {
  const seen = new Map<string, number>();
  return checks.map((check) => {
    const count = (seen.get(check.id) ?? 0) + 1;
    seen.set(check.id, count);
    if (count === 1) return check;
    return {
      ...check,
      id: `${check.id}-${count}`,
      notes: [...check.notes, `Duplicate check id ${check.id}: renamed; give each test its own id.`],
    };
  });
}
