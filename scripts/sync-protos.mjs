#!/usr/bin/env node
// Refreshes the vendored proto subset under protos/ from the pinned @grpc/grpc-js-xds
// devDependency, which ships Envoy's data-plane-api together with xds/udpa,
// googleapis and protoc-gen-validate. Only the transitive import closure of ROOTS is
// copied, so files with imports that the package does not ship are never pulled in.
// Run it after changing ROOTS or the pinned package version, then commit protos/.
import { readFileSync, mkdirSync, copyFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'protos');
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
const pkgVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const includeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) =>
  join(pkgDir, 'deps', d),
);

export const ROOTS = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/secret/v3/sds.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/admin/v3/config_dump.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/grpc_stats/v3/config.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/load_balancing_policies/pick_first/v3/pick_first.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'udpa/type/v1/typed_struct.proto',
  'xds/type/v3/typed_struct.proto',
];

function locate(file) {
  for (const dir of includeDirs) {
    const p = join(dir, file);
    if (existsSync(p)) return { dir, path: p };
  }
  return undefined;
}

const seen = new Map();
const queue = [...ROOTS];
while (queue.length > 0) {
  const file = queue.shift();
  if (seen.has(file) || file.startsWith('google/protobuf/')) continue; // well-known types ship with buf and @bufbuild/protobuf
  const found = locate(file);
  if (!found) throw new Error(`${file}: not shipped by @grpc/grpc-js-xds ${pkgVersion}`);
  seen.set(file, found);
  const text = readFileSync(found.path, 'utf8');
  for (const m of text.matchAll(/^import\s+(?:public\s+|weak\s+)?"([^"]+)";/gm)) queue.push(m[1]);
}

for (const d of ['envoy', 'xds', 'udpa', 'validate', 'google'])
  rmSync(join(out, d), { recursive: true, force: true });
for (const [file, { path }] of [...seen].sort()) {
  mkdirSync(dirname(join(out, file)), { recursive: true });
  copyFileSync(path, join(out, file));
}
// The protoc-gen-validate copy shipped by the package predates StringRules.ignore_empty
// (field 26), which newer Envoy protos use; add that one field so the set compiles.
const validateProto = join(out, 'validate', 'validate.proto');
const validateText = readFileSync(validateProto, 'utf8');
if (!validateText.includes('ignore_empty = 26')) {
  const patched = validateText.replace(
    /(optional bool strict\s*=\s*25[^;]*;\r?\n)/,
    '$1\n  // Added by scripts/sync-protos.mjs: evaluate the rules only when the field is not empty.\n  optional bool ignore_empty = 26;\n',
  );
  if (patched === validateText) throw new Error('validate.proto: StringRules.strict not found');
  writeFileSync(validateProto, patched);
}

writeFileSync(join(out, 'VERSION'), `@grpc/grpc-js-xds ${pkgVersion}\nfiles ${seen.size}\n`);
console.log(`copied ${seen.size} proto files from @grpc/grpc-js-xds ${pkgVersion}`);
