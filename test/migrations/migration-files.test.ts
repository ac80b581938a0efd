import { describe, expect, test } from 'vitest';
import { GateError } from '../../helpers/gate-error.ts';
import { loadMigrations } from '../../helpers/migrations/migration-files.ts';
import { tempMigrations } from './temp-migrations.ts';

async function load(files: Readonly<Record<string, string>>) {
  await using dir = await tempMigrations(files);
  return await loadMigrations(dir.directory);
}

async function refusal(files: Readonly<Record<string, string>>): Promise<string> {
  try {
    await load(files);
  } catch (error) {
    expect(error).toBeInstanceOf(GateError);
    const message = error instanceof Error ? error.message : String(error);
    // One sentence: no line breaks, ends with a full stop.
    expect(message).not.toContain('\n');
    expect(message).toMatch(/\.$/);
    return message;
  }
  throw new Error('expected the directory to be refused');
}

describe('migration formats, detected from the directory', () => {
  test('numbered up/down pairs (golang-migrate style too), in numeric order', async () => {
    const migrations = await load({
      '000010_ten.up.sql': 'SELECT 10;',
      '000010_ten.down.sql': 'SELECT -10;',
      '000002_two.up.sql': 'SELECT 2;',
      'README.md': 'not a migration',
    });
    expect(migrations.map((m) => [m.format, m.version, m.name, m.upFile, m.downFile])).toEqual([
      ['numbered', '000002', '000002_two', '000002_two.up.sql', '000002_two.down.sql'],
      ['numbered', '000010', '000010_ten', '000010_ten.up.sql', '000010_ten.down.sql'],
    ]);
    expect(migrations[0]?.downSql).toBeUndefined();
    expect(migrations[0]?.downChecksum).toBeUndefined();
    expect(migrations[1]?.downChecksum).toMatch(/^[0-9a-f]{64}$/);
  });

  test('dbmate: one file with -- migrate:up / -- migrate:down, line numbers kept', async () => {
    const migrations = await load({
      '20240102090000_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n\n-- migrate:down\nDROP TABLE b;\n',
      '20240101120000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n',
      '20231231000000_c.sql': '-- migrate:up\nSELECT 1;\n',
    });
    expect(migrations.map((m) => m.version)).toEqual(['20231231000000', '20240101120000', '20240102090000']);
    const [c, a, b] = migrations;
    expect(b?.upSql.split('\n')[1]).toBe('CREATE TABLE b (id int);');
    expect(b?.downSql?.split('\n')[4]).toBe('DROP TABLE b;');
    expect(b?.upSql).not.toContain('DROP TABLE');
    expect(b?.downFile).toBe('20240102090000_b.sql (-- migrate:down)');
    // An empty down section is present but empty; no section at all is missing.
    expect(a?.downSql?.trim()).toBe('');
    expect(c?.downSql).toBeUndefined();
    expect(new Set(migrations.map((m) => m.format))).toEqual(new Set(['dbmate']));
  });

  test('Flyway: V1__, V1.1__, V1_2__ and the undo U1__, compared per segment', async () => {
    const migrations = await load({
      'V1__init.sql': 'SELECT 1;',
      'U1__init.sql': 'SELECT -1;',
      'V1.10__later.sql': 'SELECT 110;',
      'V1.2__second.sql': 'SELECT 12;',
      'V1_1__first.sql': 'SELECT 11;',
      'V2__two.sql': 'SELECT 2;',
    });
    expect(migrations.map((m) => m.version)).toEqual(['1', '1.1', '1.2', '1.10', '2']);
    expect(migrations[0]?.downFile).toBe('U1__init.sql');
    expect(migrations[0]?.downSql).toBe('SELECT -1;');
    expect(migrations[4]?.downFile).toBe('U2__two.sql');
    expect(migrations[4]?.downSql).toBeUndefined();
  });

  test.each([
    [{ '001_a.up.sql': 'SELECT 1;', 'V2__b.sql': 'SELECT 2;' }, /mixes migration formats: 001_a\.up\.sql is numbered .* but V2__b\.sql is flyway/],
    [{ '001_a.up.sql': 'SELECT 1;', '20240101120000_b.sql': '-- migrate:up\n' }, /mixes migration formats/],
    [{ 'create_users.sql': 'SELECT 1;' }, /create_users\.sql follows none of the known names/],
    [{ 'R__views.sql': 'SELECT 1;' }, /R__views\.sql follows none of the known names/],
    [{ '001_a.up.sql': 'SELECT 1;', '1_b.up.sql': 'SELECT 1;' }, /share version 1; renumber/],
    [{ 'V1__a.sql': 'SELECT 1;', 'V1.0__b.sql': 'SELECT 1;' }, /share version/],
    [{ '002_x.down.sql': 'SELECT 1;' }, /002_x\.down\.sql has no matching up migration/],
    [{ 'U3__x.sql': 'SELECT 1;', 'V1__a.sql': 'SELECT 1;' }, /U3__x\.sql has no matching up migration/],
    [{ '20240101120000_a.sql': 'CREATE TABLE a (id int);\n' }, /has no -- migrate:up line/],
    [{ '20240101120000_a.sql': '-- migrate:up\n-- migrate:up\n' }, /more than one -- migrate:up line/],
  ])('refuses %j with one sentence', async (files, message) => {
    expect(await refusal(files)).toMatch(message);
  });
});
