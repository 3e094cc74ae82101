// Reads [{"name": "...", "sql": "..."}] on stdin and parses each statement with node-sql-parser's BigQuery
// dialect. Prints [{"name", "ok", "error", "columns"}] on stdout (columns: the SELECT list's aliases); exits 0 when the input was read, whatever the verdicts
// (the calling test decides), 2 when the input is not a JSON array of statements.
'use strict';
const { Parser } = require('node-sql-parser');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  let statements;
  try {
    statements = JSON.parse(input);
    if (!Array.isArray(statements)) throw new Error('expected a JSON array');
  } catch (e) {
    process.stderr.write(`sqlcheck: ${e.message}\n`);
    process.exit(2);
  }

  const parser = new Parser();
  const results = statements.map(({ name, sql }) => {
    try {
      const ast = parser.astify(sql, { database: 'BigQuery' });
      const list = Array.isArray(ast) ? ast : [ast];
      const types = list.map(s => s && s.type);
      if (list.length !== 1 || types[0] !== 'select') {
        return { name, ok: false, error: `expected one SELECT statement, parsed ${JSON.stringify(types)}`, columns: [] };
      }
      const select = Array.isArray(list[0].select) ? list[0].select[0] : list[0];
      const columns = (select.columns || []).map(c => (c && c.as) || null);
      return { name, ok: true, error: null, columns };
    } catch (e) {
      return { name, ok: false, error: String(e && e.message ? e.message : e).slice(0, 2000), columns: [] };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
