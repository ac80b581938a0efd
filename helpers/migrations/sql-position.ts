/** 1-based line number of a 0-based character offset (Postgres reports error positions as offsets). */
export function lineOfOffset(sql: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < sql.length; index++) if (sql[index] === '\n') line++;
  return line;
}
