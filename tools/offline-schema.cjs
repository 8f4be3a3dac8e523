// Preloaded into the cdk8s CLI (node --require) by `make imports`.
//
// `cdk8s import k8s@X` downloads its schema with https.get from a fixed GitHub
// URL and has no option for a local file. This hook answers exactly that
// request from PODKIT_K8S_SCHEMA (a file converted by tools/k8s_schema.py) and
// refuses every other network request, so an import can never silently depend
// on the internet.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const { Readable } = require('stream');

const schemaFile = process.env.PODKIT_K8S_SCHEMA;
const SCHEMA_URL = /^https:\/\/raw\.githubusercontent\.com\/cdk8s-team\/cdk8s\/master\/kubernetes-schemas\/v[0-9.]+\/_definitions\.json$/;

function offlineGet(url, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const href = typeof url === 'string' ? url : url.href || `${url.protocol}//${url.hostname || url.host}${url.path || ''}`;
  if (!schemaFile || !SCHEMA_URL.test(href)) {
    process.stderr.write(`podkit offline: refusing network request to ${href}\n`);
    throw new Error(`podkit offline: refusing network request to ${href}`);
  }
  const res = Readable.from([fs.readFileSync(schemaFile)]);
  res.statusCode = 200;
  res.headers = {};
  const req = new (require('events').EventEmitter)();
  req.end = () => {};
  process.nextTick(() => cb(res));
  return req;
}

for (const mod of [http, https]) {
  mod.get = offlineGet;
  mod.request = offlineGet;
}
