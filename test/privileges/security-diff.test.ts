import { describe, expect, test } from 'vitest';
import {
  diffSecurity,
  lostApplicationAccess,
  unacknowledgedRisks,
} from '../../helpers/privileges/security-diff.ts';
import type { PolicyState, SecuritySnapshot } from '../../helpers/privileges/security-snapshot.ts';

const KEY = "(tenant_id = (NULLIF(current_setting('app.current_tenant'::text, true), ''::text))::uuid)";

const policy = (overrides: Partial<PolicyState> = {}): PolicyState => ({
  table: 'documents',
  name: 'documents_tenant_isolation',
  permissive: true,
  roles: ['c2pro_app'],
  command: 'ALL',
  using: KEY,
  withCheck: KEY,
  ...overrides,
});

const snapshot = (overrides: Partial<SecuritySnapshot> = {}): SecuritySnapshot => ({
  schema: 'public',
  takenAt: '2026-01-01T00:00:00.000Z',
  policies: [policy()],
  grants: [{ table: 'documents', column: null, grantee: 'c2pro_app', privilege: 'SELECT' }],
  tables: [{ table: 'documents', enabled: true, forced: true }],
  ...overrides,
});

const diff = (
  after: SecuritySnapshot,
  before = snapshot(),
  acknowledged = [] as { object: string; reason: string }[],
) => diffSecurity(before, after, { appRole: 'c2pro_app', acknowledged });

const change = (after: SecuritySnapshot, object: string, before?: SecuritySnapshot) =>
  diff(after, before).find((c) => c.object === object);

const POLICY = 'public.documents policy documents_tenant_isolation';

describe('diffSecurity: policies', () => {
  test('an identical snapshot is unchanged everywhere and risk-free', () => {
    const changes = diff(snapshot());
    expect(new Set(changes.map((c) => c.change))).toEqual(new Set(['unchanged']));
    expect(unacknowledgedRisks(changes)).toEqual([]);
  });

  test.each([
    ['roles grew', policy({ roles: ['c2pro_app', 'public'] }), /roles \+ public/],
    ['commands grew', policy({ command: 'ALL' }), /commands SELECT → ALL/],
    ['restrictive became permissive', policy({ permissive: true }), /restrictive → permissive/],
    ['USING changed in a way not provably narrower', policy({ using: `(${KEY} OR true)` }), /USING changed/],
    ['WITH CHECK removed', policy({ withCheck: null }), /WITH CHECK changed/],
  ])('widened when %s', (_label, after, detail) => {
    const before =
      _label === 'commands grew'
        ? snapshot({ policies: [policy({ command: 'SELECT' })] })
        : _label === 'restrictive became permissive'
          ? snapshot({ policies: [policy({ permissive: false })] })
          : snapshot();
    const found = change(snapshot({ policies: [after] }), POLICY, before);
    expect(found).toMatchObject({ change: 'widened', risky: true });
    expect(found?.detail).toMatch(detail);
  });

  test('an expression ANDed with another condition, fewer roles or commands, or restrictive is narrowed', () => {
    const and = `(${KEY} AND (title <> ''::text))`;
    for (const after of [
      policy({ using: and }),
      policy({ roles: [] }),
      policy({ command: 'SELECT' }),
      policy({ permissive: false }),
    ]) {
      expect(change(snapshot({ policies: [after] }), POLICY)).toMatchObject({
        change: 'narrowed',
        risky: false,
      });
    }
  });

  test('a dropped restrictive policy is risky; a dropped permissive one, or one whose table went, is not', () => {
    const restrictive = snapshot({ policies: [policy({ permissive: false })] });
    expect(change(snapshot({ policies: [] }), POLICY, restrictive)).toMatchObject({
      change: 'dropped',
      risky: true,
    });
    expect(change(snapshot({ policies: [] }), POLICY)).toMatchObject({ change: 'dropped', risky: false });
    expect(change(snapshot({ policies: [], tables: [] }), POLICY, restrictive)).toMatchObject({
      risky: false,
    });
  });

  test('a new permissive policy widens a table that existed; on a new table it is only added', () => {
    const extra = policy({ name: 'documents_reporting', command: 'SELECT', using: 'true', withCheck: null });
    expect(
      change(snapshot({ policies: [policy(), extra] }), 'public.documents policy documents_reporting'),
    ).toMatchObject({ change: 'widened', risky: true });
    const fresh = snapshot({ policies: [], tables: [] });
    expect(
      change(snapshot({ policies: [extra] }), 'public.documents policy documents_reporting', fresh),
    ).toMatchObject({
      change: 'added',
      risky: false,
    });
    expect(
      change(
        snapshot({ policies: [policy(), { ...extra, permissive: false }] }),
        'public.documents policy documents_reporting',
      ),
    ).toMatchObject({ change: 'added', risky: false });
  });

  test('policies that come with enabling RLS on an existing table are added: every row was reachable before', () => {
    const rlsOff = snapshot({
      policies: [],
      tables: [{ table: 'documents', enabled: false, forced: false }],
    });
    expect(change(snapshot(), POLICY, rlsOff)).toMatchObject({ change: 'added', risky: false });
    expect(change(snapshot(), 'public.documents RLS', rlsOff)).toMatchObject({ change: 'narrowed' });
  });
});

describe('diffSecurity: grants and RLS flags', () => {
  test('a grant to the app role or PUBLIC on an existing table widens; to another role it is added', () => {
    const after = snapshot({
      grants: [
        ...snapshot().grants,
        { table: 'documents', column: null, grantee: 'PUBLIC', privilege: 'SELECT' },
        { table: 'documents', column: 'title', grantee: 'c2pro_app', privilege: 'UPDATE' },
        { table: 'documents', column: null, grantee: 'reporting', privilege: 'SELECT' },
      ],
    });
    expect(change(after, 'public.documents grant SELECT to PUBLIC')).toMatchObject({
      change: 'widened',
      risky: true,
    });
    expect(change(after, 'public.documents(title) grant UPDATE to c2pro_app')).toMatchObject({
      change: 'widened',
    });
    expect(change(after, 'public.documents grant SELECT to reporting')).toMatchObject({
      change: 'added',
      risky: false,
    });
  });

  test('a grant on a column the run added is added, not widened; on a column that was there it widens', () => {
    const before = snapshot({ columns: ['documents.id', 'documents.title'] });
    const after = snapshot({
      columns: ['documents.id', 'documents.title', 'documents.status'],
      grants: [
        ...snapshot().grants,
        { table: 'documents', column: 'status', grantee: 'c2pro_app', privilege: 'UPDATE' },
        { table: 'documents', column: 'title', grantee: 'c2pro_app', privilege: 'UPDATE' },
      ],
    });
    expect(change(after, 'public.documents(status) grant UPDATE to c2pro_app', before)).toMatchObject({
      change: 'added',
      detail: 'on a column this run created',
      risky: false,
    });
    expect(change(after, 'public.documents(title) grant UPDATE to c2pro_app', before)).toMatchObject({
      change: 'widened',
      risky: true,
    });
  });

  test('a table-level UPDATE replaced by a column grant narrows: the column grant is no widening', () => {
    const tableUpdate = { table: 'documents', column: null, grantee: 'c2pro_app', privilege: 'UPDATE' };
    const before = snapshot({ grants: [...snapshot().grants, tableUpdate] });
    const after = snapshot({
      grants: [
        ...snapshot().grants,
        { table: 'documents', column: 'title', grantee: 'c2pro_app', privilege: 'UPDATE' },
      ],
    });
    expect(change(after, 'public.documents(title) grant UPDATE to c2pro_app', before)).toMatchObject({
      change: 'added',
      risky: false,
    });
    expect(change(after, 'public.documents grant UPDATE to c2pro_app', before)).toMatchObject({
      change: 'narrowed',
    });
  });

  test('a revoked grant is narrowed', () => {
    expect(change(snapshot({ grants: [] }), 'public.documents grant SELECT to c2pro_app')).toMatchObject({
      change: 'narrowed',
      risky: false,
    });
  });

  test('RLS or FORCE turned off widens; turned on narrows; a new table is added', () => {
    const off = snapshot({ tables: [{ table: 'documents', enabled: true, forced: false }] });
    expect(change(off, 'public.documents RLS')).toMatchObject({ change: 'widened', risky: true });
    expect(change(snapshot(), 'public.documents RLS', off)).toMatchObject({
      change: 'narrowed',
      risky: false,
    });
    const added = snapshot({
      tables: [...snapshot().tables, { table: 'invoices', enabled: false, forced: false }],
    });
    expect(change(added, 'public.invoices RLS')).toMatchObject({ change: 'added', risky: false });
  });

  test('an acknowledged widening carries its reason and no longer counts as a risk', () => {
    const off = snapshot({ tables: [{ table: 'documents', enabled: false, forced: false }] });
    const changes = diff(off, snapshot(), [{ object: 'public.documents RLS', reason: 'moved to a view' }]);
    expect(changes.find((c) => c.object === 'public.documents RLS')?.acknowledged).toBe('moved to a view');
    expect(unacknowledgedRisks(changes)).toEqual([]);
  });
});

describe('lostApplicationAccess: privileges the application held and lost', () => {
  const grant = (table: string, privilege: string, column: string | null = null, grantee = 'c2pro_app') => ({
    table,
    column,
    grantee,
    privilege,
  });
  const lost = (
    before: SecuritySnapshot,
    after: SecuritySnapshot,
    acknowledged: { object: string; reason: string }[] = [],
  ) =>
    lostApplicationAccess(before, after, { appRole: 'c2pro_app', acknowledged }).map((l) => [
      l.object,
      l.acknowledged,
    ]);
  const tables = (...names: string[]) => names.map((table) => ({ table, enabled: true, forced: true }));

  test('a revoke, and a table recreated without its grant, are lost; a dropped table or column, a column narrowing and PUBLIC keeping it are not', () => {
    const before = snapshot({
      tables: tables('documents', 'notes', 'gone', 'tags'),
      columns: ['documents.id', 'documents.title', 'documents.old', 'notes.id', 'gone.id', 'tags.id'],
      grants: [
        grant('documents', 'SELECT'),
        grant('documents', 'UPDATE'),
        grant('documents', 'UPDATE', 'old'),
        grant('notes', 'SELECT'),
        grant('notes', 'DELETE'),
        grant('gone', 'SELECT'),
        grant('tags', 'SELECT'),
      ],
    });
    const after = snapshot({
      tables: tables('documents', 'notes', 'tags'),
      columns: ['documents.id', 'documents.title', 'notes.id', 'tags.id'],
      grants: [
        grant('documents', 'SELECT'),
        grant('documents', 'UPDATE', 'title'),
        grant('notes', 'SELECT'),
        grant('tags', 'SELECT', null, 'PUBLIC'),
      ],
    });
    expect(lost(before, after)).toEqual([['public.notes grant DELETE to c2pro_app', null]]);
    expect(
      lost(before, after, [
        { object: 'public.notes grant DELETE to c2pro_app', reason: 'notes are kept forever' },
      ]),
    ).toEqual([['public.notes grant DELETE to c2pro_app', 'notes are kept forever']]);
    // Another role's grant is not the application's.
    expect(
      lost(snapshot({ grants: [grant('documents', 'SELECT', null, 'reporting')] }), snapshot({ grants: [] })),
    ).toEqual([]);
  });
});
