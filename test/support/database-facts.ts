import { connectClient } from '../../helpers/db/database-connection.ts';

/** `alembic_version.version_num` of the database at `url`, as the plan reads it. */
export async function versionOf(url: string): Promise<string | undefined> {
  const client = await connectClient(url);
  try {
    return (await client.query<{ version_num: string }>('SELECT version_num FROM alembic_version')).rows[0]
      ?.version_num;
  } finally {
    await client.end();
  }
}
