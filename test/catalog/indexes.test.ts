import { describe, expect, test } from 'vitest';
import { discoverIndexes, indexesLeadingWith, primaryKeyOf } from '../../helpers/catalog/indexes.ts';
import { catalogDatabase } from './catalog-database.ts';

describe('indexesLeadingWith', () => {
  test('finds indexes whose leading columns are the key, in any order, and ignores partial ones', async () => {
    await using lab = await catalogDatabase({
      sql: `CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);
            CREATE INDEX t_b_a_c ON t (b, a, c);
            CREATE INDEX t_a_partial ON t (a) WHERE c > 0;
            CREATE INDEX t_c_expr ON t ((c + 1), a);`,
    });
    const indexes = await discoverIndexes(lab.client, 'public');
    expect(indexesLeadingWith(indexes, 't', ['a', 'b']).map((index) => index.index)).toEqual(['t_b_a_c']);
    expect(indexesLeadingWith(indexes, 't', ['a'])).toEqual([]);
    expect(indexesLeadingWith(indexes, 't', ['c'])).toEqual([]);
    expect(primaryKeyOf(indexes, 't')).toEqual(['id']);
  });

  test('every foreign key of the reference schema has an index', async () => {
    await using lab = await catalogDatabase({ migrated: true });
    const indexes = await discoverIndexes(lab.client, 'public');
    expect(
      indexesLeadingWith(indexes, 'documents', ['tenant_id', 'project_id']).map((i) => i.index),
    ).toContain('idx_documents_tenant_id_project_id');
  });
});
