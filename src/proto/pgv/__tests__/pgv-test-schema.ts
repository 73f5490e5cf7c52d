// A test-only proto file, built at run time as a FileDescriptorProto, with one field per PGV
// rule the vendored Envoy protos do not (or barely) use. It exercises the same descriptor
// path as generated code: the rules are `validate.*` options read with getOption.
import { create, createFileRegistry, createRegistry, fromJson } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import type { DescFile, DescMessage, JsonObject } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  MessageOptionsSchema,
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from '@bufbuild/protobuf/wkt';
import { file_validate_validate } from '../../../gen/validate/validate_pb.js';

type FieldSpec = [name: string, type: string, rules?: JsonObject, extra?: JsonObject];

const RULES = '[validate.rules]';

function fields(specs: FieldSpec[]): JsonObject[] {
  return specs.map(([name, type, rules, extra], i) => {
    const repeated = extra?.['label'] === 'LABEL_REPEATED';
    const f: JsonObject = {
      name,
      number: i + 1,
      label: repeated ? 'LABEL_REPEATED' : 'LABEL_OPTIONAL',
      jsonName: name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()),
      ...(extra ?? {}),
    };
    if (type.startsWith('.')) {
      f['typeName'] = type;
      f['type'] = extra?.['type'] ?? 'TYPE_MESSAGE';
    } else {
      f['type'] = type;
    }
    if (rules) f['options'] = { [RULES]: rules };
    return f;
  });
}

const REPEATED = { label: 'LABEL_REPEATED' };

/** Scalar fields: every numeric kind, bool, enum, bytes and each string rule. */
const scalarFields: FieldSpec[] = [
  ['float_gt', 'TYPE_FLOAT', { float: { gt: 0 } }],
  ['double_range', 'TYPE_DOUBLE', { double: { gte: 0, lte: 100 } }],
  ['int32_outside', 'TYPE_INT32', { int32: { lt: 0, gt: 10 } }],
  ['int64_in', 'TYPE_INT64', { int64: { in: ['1', '2'] } }],
  ['uint32_const', 'TYPE_UINT32', { uint32: { const: 7 } }],
  ['uint64_not_in', 'TYPE_UINT64', { uint64: { notIn: ['5'] } }],
  ['sint32_lte', 'TYPE_SINT32', { sint32: { lte: -1 } }],
  ['sint64_gte', 'TYPE_SINT64', { sint64: { gte: '-3' } }],
  ['fixed32_lt', 'TYPE_FIXED32', { fixed32: { lt: 10 } }],
  ['fixed64_gt_lt', 'TYPE_FIXED64', { fixed64: { gt: '1', lt: '4' } }],
  ['sfixed32_in', 'TYPE_SFIXED32', { sfixed32: { in: [-1, 1] } }],
  ['sfixed64_const', 'TYPE_SFIXED64', { sfixed64: { const: '-9' } }],
  ['bool_const', 'TYPE_BOOL', { bool: { const: true } }],
  [
    'enum_defined',
    '.pgvtest.Color',
    { enum: { definedOnly: true, notIn: [2] } },
    { type: 'TYPE_ENUM' },
  ],
  ['enum_const', '.pgvtest.Color', { enum: { const: 1 } }, { type: 'TYPE_ENUM' }],
  ['enum_in', '.pgvtest.Color', { enum: { in: [0, 1] } }, { type: 'TYPE_ENUM' }],
  ['bytes_len', 'TYPE_BYTES', { bytes: { minLen: '2', maxLen: '4', prefix: 'AQ==' } }],
  ['bytes_ip', 'TYPE_BYTES', { bytes: { ip: true } }],
  ['bytes_const', 'TYPE_BYTES', { bytes: { const: 'AQI=' } }],
  ['bytes_misc', 'TYPE_BYTES', { bytes: { len: '3', suffix: 'Aw==', contains: 'Ag==' } }],
  ['bytes_pattern', 'TYPE_BYTES', { bytes: { pattern: '^[a-z]+$' } }],
  ['bytes_in', 'TYPE_BYTES', { bytes: { in: ['AQ==', 'Ag=='], notIn: ['Ag=='] } }],
  ['str_const', 'TYPE_STRING', { string: { const: 'fixed' } }],
  ['str_len', 'TYPE_STRING', { string: { len: '3' } }],
  ['str_min_max', 'TYPE_STRING', { string: { minLen: '2', maxLen: '4' } }],
  ['str_bytes', 'TYPE_STRING', { string: { minBytes: '2', maxBytes: '4' } }],
  ['str_len_bytes', 'TYPE_STRING', { string: { lenBytes: '2' } }],
  ['str_pattern', 'TYPE_STRING', { string: { pattern: '^[a-z]+-v[0-9]$' } }],
  ['str_affix', 'TYPE_STRING', { string: { prefix: 'out', suffix: 'bound' } }],
  ['str_contains', 'TYPE_STRING', { string: { contains: '|', notContains: '||' } }],
  ['str_in', 'TYPE_STRING', { string: { in: ['http', 'grpc'] } }],
  ['str_not_in', 'TYPE_STRING', { string: { notIn: ['forbidden'] } }],
  ['str_email', 'TYPE_STRING', { string: { email: true } }],
  ['str_hostname', 'TYPE_STRING', { string: { hostname: true } }],
  ['str_ip', 'TYPE_STRING', { string: { ip: true } }],
  ['str_ipv4', 'TYPE_STRING', { string: { ipv4: true } }],
  ['str_ipv6', 'TYPE_STRING', { string: { ipv6: true } }],
  ['str_uri', 'TYPE_STRING', { string: { uri: true } }],
  ['str_uri_ref', 'TYPE_STRING', { string: { uriRef: true } }],
  ['str_address', 'TYPE_STRING', { string: { address: true } }],
  ['str_uuid', 'TYPE_STRING', { string: { uuid: true } }],
  ['str_header_name', 'TYPE_STRING', { string: { wellKnownRegex: 'HTTP_HEADER_NAME' } }],
  ['str_header_value', 'TYPE_STRING', { string: { wellKnownRegex: 'HTTP_HEADER_VALUE' } }],
  [
    'str_header_loose',
    'TYPE_STRING',
    { string: { wellKnownRegex: 'HTTP_HEADER_NAME', strict: false } },
  ],
  ['str_ignore_empty', 'TYPE_STRING', { string: { minLen: '3', ignoreEmpty: true } }],
  [
    'str_optional',
    'TYPE_STRING',
    { string: { minLen: '1' } },
    { proto3Optional: true, oneofIndex: 0 },
  ],
];

/** Message-typed, repeated and map fields, well-known types and oneofs. */
const structuredFields: FieldSpec[] = [
  ['wrapped', '.google.protobuf.UInt32Value', { uint32: { gt: 0 } }],
  ['required_msg', '.pgvtest.Leaf', { message: { required: true } }],
  ['skipped_msg', '.pgvtest.Leaf', { message: { skip: true } }],
  ['nested', '.pgvtest.Leaf'],
  ['disabled_msg', '.pgvtest.Disabled'],
  ['ignored_msg', '.pgvtest.Ignored'],
  ['dur', '.google.protobuf.Duration', { duration: { required: true, gte: '1s', lt: '10s' } }],
  ['dur_set', '.google.protobuf.Duration', { duration: { const: '0.5s' } }],
  ['dur_in', '.google.protobuf.Duration', { duration: { in: ['1s', '2s'], notIn: ['2s'] } }],
  ['dur_lte', '.google.protobuf.Duration', { duration: { lte: '5s', gt: '0s' } }],
  [
    'ts',
    '.google.protobuf.Timestamp',
    { timestamp: { required: true, gt: '1970-01-01T00:16:40Z', lt: '1970-01-01T00:33:20Z' } },
  ],
  ['ts_now', '.google.protobuf.Timestamp', { timestamp: { ltNow: true } }],
  ['ts_within', '.google.protobuf.Timestamp', { timestamp: { within: '60s' } }],
  [
    'any',
    '.google.protobuf.Any',
    {
      any: {
        required: true,
        in: ['type.googleapis.com/google.protobuf.Duration', 'type.googleapis.com/pgvtest.Leaf'],
      },
    },
  ],
  [
    'any_not_in',
    '.google.protobuf.Any',
    { any: { notIn: ['type.googleapis.com/google.protobuf.Empty'] } },
  ],
  [
    'items',
    'TYPE_STRING',
    {
      repeated: { minItems: '1', maxItems: '3', unique: true, items: { string: { prefix: 'x' } } },
    },
    REPEATED,
  ],
  ['leaves', '.pgvtest.Leaf', undefined, REPEATED],
  [
    'skipped_leaves',
    '.pgvtest.Leaf',
    { repeated: { items: { message: { skip: true } } } },
    REPEATED,
  ],
  ['unique_ints', 'TYPE_INT64', { repeated: { unique: true } }, REPEATED],
  [
    'labels',
    '.pgvtest.Sample.LabelsEntry',
    {
      map: {
        minPairs: '1',
        maxPairs: '2',
        keys: { string: { pattern: '^[a-z]+$' } },
        values: { string: { minLen: '1' } },
      },
    },
    REPEATED,
  ],
  [
    'ports',
    '.pgvtest.Sample.PortsEntry',
    { map: { noSparse: true, keys: { uint32: { lte: 65535 } } } },
    REPEATED,
  ],
  ['choice_a', 'TYPE_STRING', { string: { minLen: '2' } }, { oneofIndex: 0 }],
  ['choice_b', '.pgvtest.Leaf', undefined, { oneofIndex: 0 }],
];

const fileJson: JsonObject = {
  name: 'pgvtest/sample.proto',
  package: 'pgvtest',
  syntax: 'proto3',
  dependency: [
    'validate/validate.proto',
    'google/protobuf/any.proto',
    'google/protobuf/duration.proto',
    'google/protobuf/timestamp.proto',
    'google/protobuf/wrappers.proto',
  ],
  enumType: [{ name: 'Color', value: [0, 1, 2].map((n) => ({ name: `C${n}`, number: n })) }],
  messageType: [
    { name: 'Leaf', field: fields([['id', 'TYPE_STRING', { string: { minLen: '1' } }]]) },
    {
      name: 'Disabled',
      options: { '[validate.disabled]': true },
      field: fields([['id', 'TYPE_STRING', { string: { minLen: '1' } }]]),
    },
    { name: 'Ignored', field: fields([['id', 'TYPE_STRING', { string: { minLen: '1' } }]]) },
    {
      name: 'Scalars',
      field: fields(scalarFields),
      oneofDecl: [{ name: '_str_optional' }],
    },
    {
      name: 'Sample',
      field: fields(structuredFields),
      oneofDecl: [{ name: 'choice', options: { '[validate.required]': true } }],
      nestedType: [
        mapEntry('LabelsEntry', 'TYPE_STRING', { type: 'TYPE_STRING' }),
        mapEntry('PortsEntry', 'TYPE_UINT32', { type: 'TYPE_MESSAGE', typeName: '.pgvtest.Leaf' }),
      ],
    },
  ],
};

function mapEntry(name: string, keyType: string, value: JsonObject): JsonObject {
  return {
    name,
    options: { mapEntry: true },
    field: [
      { name: 'key', number: 1, label: 'LABEL_OPTIONAL', type: keyType, jsonName: 'key' },
      { name: 'value', number: 2, label: 'LABEL_OPTIONAL', jsonName: 'value', ...value },
    ],
  };
}

const deps: Record<string, DescFile> = Object.fromEntries(
  [
    file_validate_validate,
    file_google_protobuf_any,
    file_google_protobuf_duration,
    file_google_protobuf_timestamp,
    file_google_protobuf_wrappers,
  ].map((f) => [f.proto.name, f]),
);

const fileProto = fromJson(FileDescriptorProtoSchema, fileJson, {
  registry: createRegistry(file_validate_validate),
});

// `validate.ignored` (MessageOptions field 1072) is newer than the vendored validate.proto, so
// it can only be written as an unknown field: `true` is the varint 1.
const ignored = fileProto.messageType.find((m) => m.name === 'Ignored');
if (ignored) {
  ignored.options = create(MessageOptionsSchema);
  ignored.options.$unknown = [{ no: 1072, wireType: WireType.Varint, data: new Uint8Array([1]) }];
}

export const testTypes = createFileRegistry(fileProto, (name) => deps[name]);

export function testMessage(name: string): DescMessage {
  const desc = testTypes.getMessage(`pgvtest.${name}`);
  if (!desc) throw new Error(`pgvtest.${name} missing`);
  return desc;
}
