import { describe, expect, test } from 'vitest';
import type { MigrationFile } from '../../helpers/migrations/migration-files.ts';
import { checksumOf } from '../../helpers/migrations/migration-files.ts';
import { validateMigrations } from '../../helpers/migrations/migration-validation.ts';
import { analyseSql } from '../../helpers/migrations/sql-analysis.ts';
import { lineIndex } from '../../helpers/migrations/sql-position.ts';

function migration(version: string, upSql: string, downSql?: string): MigrationFile {
  return {
    format: 'numbered',
    version,
    name: `${version}_m`,
    upPath: `${version}_m.up.sql`,
    downPath: downSql === undefined ? undefined : `${version}_m.down.sql`,
    upFile: `${version}_m.up.sql`,
    downFile: `${version}_m.down.sql`,
    upSql,
    downSql,
    checksum: checksumOf(upSql),
    downChecksum: downSql === undefined ? undefined : checksumOf(downSql),
  };
}

describe('SQL analysis with the PostgreSQL parser', () => {
  test('reports a syntax error with its line', async () => {
    const analysis = await analyseSql('CREATE TABLE a (id int);\n\nCREATE TABLE ( broken;');
    expect(analysis).toMatchObject({ ok: false, line: 3 });
  });

  test('names the columns ALTER TABLE … ADD COLUMN adds, as table.column', async () => {
    const analysis = await analyseSql(
      'ALTER TABLE public.projects ADD COLUMN country text, ADD IF NOT EXISTS rank int, DROP COLUMN code;\n' +
        'ALTER TABLE ONLY tasks ADD due date;\nCREATE TABLE t (a int);',
    );
    expect(analysis.ok && analysis.statements.map((statement) => statement.addsColumns)).toEqual([
      ['projects.country', 'projects.rank'],
      ['tasks.due'],
      [],
    ]);
  });

  test('flags statements that cannot run inside a transaction, with their lines', async () => {
    const analysis = await analyseSql('-- comment\nCREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);\nVACUUM t;\nCOMMIT;');
    expect(analysis.ok).toBe(true);
    if (!analysis.ok) return;
    const blocked = analysis.statements.filter((s) => s.nonTransactional !== undefined).map((s) => [s.kind, s.line]);
    expect(blocked).toEqual([
      ['IndexStmt', 3],
      ['VacuumStmt', 4],
      ['TransactionStmt', 5],
    ]);
  });

  test('a plain CREATE INDEX and a DO block are fine in a transaction', async () => {
    const analysis = await analyseSql('CREATE INDEX i ON t (a); DO $$ BEGIN PERFORM 1; END $$;');
    expect(analysis.ok && analysis.statements.every((s) => s.nonTransactional === undefined)).toBe(true);
  });

  test('derives dependencies between migrations and flags a forward reference', async () => {
    const result = await validateMigrations([
      migration('001', 'CREATE TABLE tenants (id uuid PRIMARY KEY);'),
      migration('002', 'ALTER TABLE projects ADD COLUMN tenant_id uuid REFERENCES tenants (id);'),
      migration('003', 'CREATE TABLE projects (id uuid PRIMARY KEY);'),
    ]);
    expect(result.dependencies).toEqual([{ from: '002_m', to: '001_m', relation: 'tenants' }]);
    expect(result.forwardReferences).toEqual([{ from: '002_m', to: '003_m', relation: 'projects' }]);
  });

  test('a correctly ordered set has no forward references and names external relations', async () => {
    const result = await validateMigrations([
      migration('001', 'CREATE TABLE a (id int PRIMARY KEY);', 'DROP TABLE a;'),
      migration('002', 'CREATE TABLE b (a_id int REFERENCES a (id)); INSERT INTO b SELECT id FROM legacy;'),
    ]);
    expect(result.forwardReferences).toEqual([]);
    expect(result.syntaxErrors).toEqual([]);
    expect(result.external).toEqual(['legacy']);
    expect(result.files.map((f) => f.file)).toEqual(['001_m.up.sql', '001_m.down.sql', '002_m.up.sql']);
  });
});

describe('line numbers', () => {
  test('lineIndex gives the line of every offset as counting the newlines before it does', () => {
    const sql = 'SELECT 1;\n\n-- note\nSELECT 2;\r\nSELECT\n3;\n';
    const lineOf = lineIndex(sql);
    for (let offset = 0; offset <= sql.length + 2; offset++) {
      const newlines = [...sql.slice(0, offset)].filter((char) => char === '\n').length;
      expect(lineOf(offset), `offset ${offset}`).toBe(1 + newlines);
    }
  });

  test("each statement's line skips the blank lines and comments before it", async () => {
    const analysis = await analyseSql('SELECT 1;\n\n-- why\n-- more\nCREATE TABLE t (id int);\n  SELECT 2;');
    expect(analysis.ok && analysis.statements.map((statement) => statement.line)).toEqual([1, 5, 6]);
  });
});
