import { describe, expect, test } from 'vitest';
import pg from 'pg';
import { pgErrorFields } from '../helpers/db/pg-error.ts';

describe('pgErrorFields', () => {
  test("reads a DatabaseError's SQLSTATE, constraint, table, column, detail and message", () => {
    const error = new pg.DatabaseError('update or delete violates foreign key constraint "fk"', 0, 'error');
    Object.assign(error, {
      code: '23503',
      constraint: 'fk',
      table: 'child',
      column: 'parent_id',
      detail: 'Key (id)=(1) is still referenced.',
    });
    expect(pgErrorFields(error)).toEqual({
      code: '23503',
      constraint: 'fk',
      table: 'child',
      column: 'parent_id',
      detail: 'Key (id)=(1) is still referenced.',
      message: 'update or delete violates foreign key constraint "fk"',
    });
  });

  test('anything else thrown gives undefined for what it does not carry', () => {
    const none = {
      code: undefined,
      constraint: undefined,
      table: undefined,
      column: undefined,
      detail: undefined,
    };
    expect(pgErrorFields(new Error('Connection terminated'))).toEqual({
      ...none,
      message: 'Connection terminated',
    });
    expect(pgErrorFields('a string')).toEqual({ ...none, message: undefined });
    expect(pgErrorFields(null)).toEqual({ ...none, message: undefined });
    expect(pgErrorFields({ code: 42 })).toEqual({ ...none, message: undefined });
  });
});
