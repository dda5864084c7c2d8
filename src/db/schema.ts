// The schema the migrations build, described from the catalog as plain text: tables and their
// columns, constraints, indexes, triggers and functions, in a stable order, with the schema's
// own name left out. migrations/schema.txt holds the committed description; a test compares it
// with what the migrations produce on each database, so a schema change shows up in review.
import type { Database } from './database.ts';

/** Every object the migrations create in the current schema, one line each, sorted. */
export async function describeSchema(db: Database): Promise<string> {
  const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
  const columns = await db.query<{ table_name: string; column_name: string; type: string; not_null: boolean; default_value: string | null }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_value
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  // NOT NULL shows on the column; newer servers (PGlite's) also list it as a constraint.
  const constraints = await db.query<{ table_name: string; name: string; definition: string }>(
    `SELECT c.relname AS table_name, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND k.contype <> 'n'`,
    [schema],
  );
  const indexes = await db.query<{ table_name: string; name: string; definition: string }>(
    `SELECT tablename AS table_name, indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = $1`,
    [schema],
  );
  const triggers = await db.query<{ table_name: string; name: string; definition: string }>(
    `SELECT c.relname AS table_name, t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND NOT t.tgisinternal`,
    [schema],
  );
  const functions = await db.query<{ name: string; definition: string }>(
    `SELECT p.proname AS name, pg_get_functiondef(p.oid) AS definition
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1`,
    [schema],
  );
  // The schema's name differs per database (public, or a test's own schema): leave it out.
  const bare = (sql: string) => sql.split(`${schema}.`).join('').replace(/\s+/g, ' ').trim();
  const lines = [
    ...columns.map(
      (c) =>
        `column ${c.table_name}.${c.column_name} ${c.type}${c.not_null ? ' NOT NULL' : ''}${c.default_value !== null ? ` DEFAULT ${bare(c.default_value)}` : ''}`,
    ),
    ...constraints.map((k) => `constraint ${k.table_name}.${k.name} ${bare(k.definition)}`),
    ...indexes.map((i) => `index ${i.table_name}.${i.name} ${bare(i.definition)}`),
    ...triggers.map((t) => `trigger ${t.table_name}.${t.name} ${bare(t.definition)}`),
    ...functions.map((f) => `function ${f.name} ${bare(f.definition)}`),
  ];
  // Columns keep their table order (it is part of the schema); everything else sorts by name.
  const head = lines.filter((l) => l.startsWith('column '));
  const rest = lines.filter((l) => !l.startsWith('column ')).sort();
  return [...head, ...rest].join('\n') + '\n';
}
