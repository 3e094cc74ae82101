#!/usr/bin/env node
// Checks Terraform files against the Google provider's schema without Terraform or the registry.
//
// Every .tf file of the given folders is parsed with HashiCorp's HCL parser (@cdktf/hcl2json, the
// hcl library compiled to WebAssembly). Every `google_*` resource and data block, nested blocks
// included, is compared with the jsii assembly of @cdktf/provider-google, which cdktf generates from
// the provider's own schema (16.12.1 <- hashicorp/google 6.50.0). Fails (exit 1) on an unknown
// resource or data source type, an unknown argument or block, or a missing required argument.
//
// Usage: node check.js DIR_OR_FILE...          prints one line per problem, then a summary line
//        node check.js --dump DIR_OR_FILE...   prints {"file.tf": <hcl2json output>, ...} (for tests)
'use strict';

const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

function loadSchema() {
  const file = require.resolve('@cdktf/provider-google/.jsii');
  const assembly = JSON.parse(fs.readFileSync(file, 'utf8'));
  const types = assembly.types;
  const resources = new Map(); // "resource:google_x" / "data:google_x" -> config struct fqn
  for (const [fqn, type] of Object.entries(types)) {
    if (type.kind !== 'class' || !type.docs || !type.docs.summary || !type.initializer) continue;
    const m = /\/docs\/(resources|data-sources)\/([a-z0-9_]+) (google_[a-z0-9_]+)\}/.exec(type.docs.summary);
    if (!m) continue;
    const config = (type.initializer.parameters || []).find((p) => p.name === 'config');
    if (!config || !config.type.fqn) continue;
    resources.set(`${m[1] === 'resources' ? 'resource' : 'data'}:${m[3]}`, config.type.fqn);
  }
  return { types, resources, version: assembly.version };
}

// The Terraform name of a jsii property: the anchor of its registry link, else snake_case of the name.
function terraformName(property) {
  const remarks = (property.docs && property.docs.remarks) || '';
  const m = /#([a-z0-9_]+) [A-Za-z0-9]+#/.exec(remarks);
  if (m) return m[1];
  return property.name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

// The struct fqn a property's value is made of (a block, or a list of blocks), if any.
function structOf(typeRef, types) {
  if (!typeRef) return null;
  if (typeRef.fqn) return types[typeRef.fqn] && types[typeRef.fqn].kind === 'interface' && types[typeRef.fqn].datatype ? typeRef.fqn : null;
  if (typeRef.collection) return structOf(typeRef.collection.elementtype, types);
  if (typeRef.union) {
    for (const t of typeRef.union.types) {
      const s = structOf(t, types);
      if (s) return s;
    }
  }
  return null;
}

// All properties of a struct, inherited ones included, keyed by Terraform name.
function propertiesOf(fqn, types, cache) {
  if (cache.has(fqn)) return cache.get(fqn);
  const result = new Map();
  const type = types[fqn];
  for (const parent of (type && type.interfaces) || []) {
    if (parent.startsWith('cdktf.')) continue; // meta-arguments (count, depends_on, ...)
    for (const [k, v] of propertiesOf(parent, types, cache)) result.set(k, v);
  }
  for (const p of (type && type.properties) || []) {
    result.set(terraformName(p), { required: !p.optional, struct: structOf(p.type, types) });
  }
  cache.set(fqn, result);
  return result;
}

function checkBody(body, fqn, where, schema, cache, problems, isTopLevel) {
  const props = propertiesOf(fqn, schema.types, cache);
  const present = new Set(Object.keys(body));
  for (const [key, value] of Object.entries(body)) {
    if (isTopLevel && META_ARGUMENTS.has(key)) continue;
    if (key === 'dynamic') {
      for (const [blockName, instances] of Object.entries(value)) {
        const prop = props.get(blockName);
        if (!prop || !prop.struct) {
          problems.push(`${where}: unknown dynamic block "${blockName}"`);
          continue;
        }
        present.add(blockName);
        for (const instance of [].concat(instances)) {
          for (const content of [].concat(instance.content || [])) {
            checkBody(content, prop.struct, `${where}.dynamic.${blockName}`, schema, cache, problems, false);
          }
        }
      }
      continue;
    }
    const prop = props.get(key);
    if (!prop) {
      problems.push(`${where}: unknown argument or block "${key}"`);
      continue;
    }
    if (!prop.struct) continue;
    for (const item of [].concat(value)) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        checkBody(item, prop.struct, `${where}.${key}`, schema, cache, problems, false);
      }
    }
  }
  for (const [name, prop] of props) {
    if (prop.required && !present.has(name)) problems.push(`${where}: missing required argument "${name}"`);
  }
}

function tfFiles(target) {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [target];
  return fs.readdirSync(target).filter((f) => f.endsWith('.tf')).sort().map((f) => path.join(target, f));
}

async function dump(targets) {
  const out = {};
  for (const file of targets.flatMap(tfFiles)) {
    out[path.basename(file)] = await parse(path.basename(file), fs.readFileSync(file, 'utf8'));
  }
  process.stdout.write(JSON.stringify(out));
  return 0;
}

async function main(args) {
  if (args[0] === '--dump') return dump(args.slice(1));
  const targets = args;
  if (targets.length === 0) {
    console.error('usage: node check.js [--dump] DIR_OR_FILE...');
    return 2;
  }
  const schema = loadSchema();
  const cache = new Map();
  const problems = [];
  let files = 0;
  let blocks = 0;
  for (const file of targets.flatMap(tfFiles)) {
    files++;
    let json;
    try {
      json = await parse(path.basename(file), fs.readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: HCL parse error: ${String(error.message || error).split('\n')[0]}`);
      continue;
    }
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(json[kind] || {})) {
        if (!type.startsWith('google')) continue;
        for (const [name, instances] of Object.entries(byName)) {
          const where = `${path.basename(file)}: ${kind === 'data' ? 'data.' : ''}${type}.${name}`;
          const fqn = schema.resources.get(`${kind}:${type}`);
          if (!fqn) {
            problems.push(`${where}: unknown ${kind === 'data' ? 'data source' : 'resource'} type "${type}"`);
            continue;
          }
          for (const body of [].concat(instances)) {
            blocks++;
            checkBody(body, fqn, where, schema, cache, problems, true);
          }
        }
      }
    }
  }
  for (const p of problems) console.log(p);
  console.log(`${files} files, ${blocks} google blocks checked against @cdktf/provider-google ${schema.version}: ${problems.length} problem(s)`);
  return problems.length === 0 && files > 0 ? 0 : 1;
}

// exitCode, not exit(): a pipe reader must get all of stdout.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exitCode = 2;
  },
);
