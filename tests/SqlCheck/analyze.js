// Analyses BigQuery SQL with ZetaSQL's analyzer (Google's reference front end of GoogleSQL; the local service that
// @fivetrandevelopers/zetasql ships for linux-x64 and macOS), in its maximum language mode, against a catalog of tables.
// Reads on stdin {"tables": [{"name", "columns": [{"name", "type"}]}], "parameters": [{"name", "type"}],
// "statements": [{"name", "sql"}]}; types are STRING, INT64, NUMERIC, BOOL, DATE, TIMESTAMP, JSON.
// Prints [{"name", "ok", "error", "columns"}] (columns: the statement's output column names). Unknown functions, wrong
// argument types and unknown tables or columns are the analyzer's errors; a JSONPath literal given to a JSON function
// that is not BigQuery's JSONPath ($, .name, ."name", [n]) is refused here, since the analyzer leaves it to run time.
// Exits 0 when the input was read, whatever the verdicts; 2 when the input is malformed; 3 when the service fails.
'use strict';
const net = require('net');
const z = require('@fivetrandevelopers/zetasql');

const JSON_FUNCTIONS = /^ZetaSQL:(json_value|json_query|json_value_array|json_query_array|json_extract|json_extract_scalar|json_extract_array|json_extract_string_array)$/;
const JSON_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\."[^"]+"|\[[0-9]+\])*$/;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

function type(name) {
  const kind = z.TypeKind['TYPE_' + name];
  if (kind === undefined) throw new Error(`unknown type ${name}`);
  return { typeKind: kind };
}

/** JSONPath literals given to JSON functions anywhere in the resolved tree that BigQuery would refuse. */
function badJsonPaths(node, found) {
  if (Array.isArray(node)) { node.forEach(n => badJsonPaths(n, found)); return found; }
  if (!node || typeof node !== 'object') return found;
  if (node.function && typeof node.function.name === 'string' && JSON_FUNCTIONS.test(node.function.name) && Array.isArray(node.argumentList)) {
    const path = node.argumentList[1] && node.argumentList[1].resolvedLiteralNode;
    const text = path && path.value && path.value.value && path.value.value.stringValue;
    if (typeof text === 'string' && !JSON_PATH.test(text)) found.push(`${node.function.name.slice(8).toUpperCase()}: '${text}' is not a JSONPath`);
  }
  for (const key of Object.keys(node)) badJsonPaths(node[key], found);
  return found;
}

// The service's own output (runServer copies it to process.stdout) goes to stderr: stdout carries the verdicts only.
const writeOut = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);

async function main(input) {
  const port = await freePort();
  z.runServer(port).catch(() => {});
  try {
    z.ZetaSQLClient.init(port);
    const client = z.ZetaSQLClient.getInstance();
    let connected = false;
    for (let i = 0; i < 300 && !connected; i++) {
      try { connected = await client.testConnection(); } catch { /* not listening yet */ }
      if (!connected) await new Promise(r => setTimeout(r, 100));
    }
    if (!connected) throw new Error('the ZetaSQL service did not start');

    const language = (await new z.LanguageOptions().enableMaximumLanguageFeatures()).serialize();
    const catalog = {
      name: 'bigquery',
      table: input.tables.map((t, i) => ({ name: t.name, serializationId: i + 1, column: t.columns.map(c => ({ name: c.name, type: type(c.type) })) })),
      builtinFunctionOptions: { languageOptions: language },
    };
    const registered = await client.registerCatalog({ simpleCatalog: catalog });
    const options = {
      languageOptions: language,
      errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
      queryParameters: (input.parameters || []).map(p => ({ name: p.name, type: type(p.type) })),
    };
    const results = [];
    for (const { name, sql } of input.statements) {
      try {
        const response = await client.analyze({ registeredCatalogId: registered.registeredId, sqlStatement: sql, options });
        const query = response && response.resolvedStatement && response.resolvedStatement.resolvedQueryStmtNode;
        if (!query) { results.push({ name, ok: false, error: 'not a query statement', columns: [] }); continue; }
        const bad = badJsonPaths(response, []);
        const columns = (query.outputColumnList || []).map(c => c.name);
        results.push(bad.length ? { name, ok: false, error: bad.join('; '), columns } : { name, ok: true, error: null, columns });
      } catch (e) {
        results.push({ name, ok: false, error: String(e.details || e.message || e).slice(0, 2000), columns: [] });
      }
    }
    return results;
  } finally {
    z.terminateServer();
  }
}

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { text += chunk; });
process.stdin.on('end', () => {
  let input;
  try {
    input = JSON.parse(text);
    if (!input || !Array.isArray(input.tables) || !Array.isArray(input.statements)) throw new Error('expected {"tables": [...], "statements": [...]}');
  } catch (e) {
    process.stderr.write(`analyze: ${e.message}\n`);
    process.exit(2);
  }
  main(input).then(
    results => writeOut(JSON.stringify(results), () => process.exit(0)),
    e => { process.stderr.write(`analyze: ${e.message}\n`); process.exit(3); });
});
