/** One node of an `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` plan, with the fields the gate reads. */
export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Schema?: string;
  readonly 'Index Name'?: string;
  readonly 'Parent Relationship'?: string;
  readonly 'Subplan Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly Filter?: string;
  readonly 'Shared Hit Blocks'?: number;
  readonly 'Shared Read Blocks'?: number;
  readonly Plans?: readonly PlanNode[];
}

/** The top level of one EXPLAIN JSON result. */
export interface ExplainResult {
  readonly Plan: PlanNode;
  readonly 'Planning Time': number;
  readonly 'Execution Time': number;
}

/** A table read with a sequential scan. */
export interface SeqScan {
  readonly schema: string;
  readonly table: string;
  /** Rows the scan returned (all loops). */
  readonly rows: number;
}

/** What the gate records about a plan beside its timing. */
export interface PlanSummary {
  readonly executionMs: number;
  readonly planningMs: number;
  /** `Node Type (relation|index)` from the root down, depth first: the plan's shape. */
  readonly shape: readonly string[];
  readonly seqScans: readonly SeqScan[];
  /** Rows the top node returned. */
  readonly rows: number;
  readonly sharedHitBlocks: number;
  readonly sharedReadBlocks: number;
  readonly hasInitPlan: boolean;
  /** Function calls found in Filter conditions, e.g. `current_tenant_of(…)` evaluated per row. */
  readonly filterFunctions: readonly string[];
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Names PostgreSQL prints in filters that are operators or casts, not function calls. */
const NOT_FUNCTIONS = new Set(['any', 'all', 'array', 'row']);

/** Function names called in a Filter expression as EXPLAIN prints it. */
export function functionsCalledIn(filter: string): readonly string[] {
  const names = [...filter.matchAll(/([A-Za-z_][A-Za-z0-9_.$]*)\(/g)].map((match) => match[1] ?? '');
  return [...new Set(names.filter((name) => name !== '' && !NOT_FUNCTIONS.has(name.toLowerCase())))];
}

/** Summarises a plan: its shape, sequential scans, rows, buffers, InitPlans and per-row function calls. */
export function summarisePlan(result: ExplainResult): PlanSummary {
  const shape: string[] = [];
  const seqScans: SeqScan[] = [];
  const filterFunctions = new Set<string>();
  let hit = 0;
  let read = 0;
  let hasInitPlan = false;
  walk(result.Plan, (node) => {
    const target = node['Index Name'] ?? node['Relation Name'];
    shape.push(target === undefined ? node['Node Type'] : `${node['Node Type']} (${target})`);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== undefined) {
      seqScans.push({
        schema: node.Schema ?? 'public',
        table: node['Relation Name'],
        rows: (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1),
      });
    }
    if (node['Parent Relationship'] === 'InitPlan' || node['Subplan Name']?.startsWith('InitPlan') === true)
      hasInitPlan = true;
    if (node.Filter !== undefined)
      for (const name of functionsCalledIn(node.Filter)) filterFunctions.add(name);
  });
  // Buffers of the root include its children's.
  hit = result.Plan['Shared Hit Blocks'] ?? 0;
  read = result.Plan['Shared Read Blocks'] ?? 0;
  return {
    executionMs: result['Execution Time'],
    planningMs: result['Planning Time'],
    shape,
    seqScans,
    rows: result.Plan['Actual Rows'] ?? 0,
    sharedHitBlocks: hit,
    sharedReadBlocks: read,
    hasInitPlan,
    filterFunctions: [...filterFunctions],
  };
}

/** Parses the single JSON document `EXPLAIN (FORMAT JSON)` returns (as one row, column `QUERY PLAN`). */
export function parseExplain(value: unknown): ExplainResult {
  const document: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const first: unknown = Array.isArray(document) ? document[0] : undefined;
  if (typeof first !== 'object' || first === null || !('Plan' in first)) {
    throw new Error('EXPLAIN (FORMAT JSON) returned no plan.');
  }
  return first as ExplainResult;
}
