import { expect, test } from 'vitest';
import type { CatalogFacts, TableFacts } from '../../helpers/init/catalog-facts.ts';
import { guessConfig } from '../../helpers/init/config-guesses.ts';

function table(name: string, columns: readonly string[], rowSecurity: boolean): TableFacts {
  return {
    name,
    owner: 'owner',
    rowSecurity,
    forced: rowSecurity,
    primaryKey: ['id'],
    columns: columns.map((column) => ({ name: column, type: 'uuid' })),
  };
}

test('a tenant table without row-level security is named as the tenant table but not listed among the tenant tables', () => {
  const facts: CatalogFacts = {
    tables: [table('accounts', ['id', 'name'], false), table('invoices', ['id', 'account_id'], true)],
    foreignKeys: [
      {
        name: 'invoices_account_fkey',
        table: 'invoices',
        columns: ['account_id'],
        referencedTable: 'accounts',
        referencedColumns: ['id'],
      },
    ],
    policies: [],
    grants: [{ table: 'invoices', role: 'app', privilege: 'INSERT' }],
    settingFunctions: [],
  };
  const guesses = guessConfig(facts, []);
  expect(guesses.tenantKey).toMatchObject({ kind: 'guessed', value: { name: 'account_id', type: 'uuid' } });
  expect(guesses.tenantTable).toMatchObject({ kind: 'guessed', value: 'accounts' });
  expect(guesses.tenantTables).toEqual({
    kind: 'guessed',
    value: ['invoices'],
    source: 'tables with a account_id column (accounts has no RLS: not listed)',
  });
  expect(guesses.appRole).toMatchObject({ kind: 'guessed', value: 'app' });
  expect(guesses.insertProbeTables?.tables).toEqual(['invoices']);
  expect(guesses.tenantSetting.kind).toBe('todo');
});
