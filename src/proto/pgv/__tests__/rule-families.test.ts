// Every PGV rule family, one field at a time: a valid baseline message passes, then each case
// changes one field and expects exactly the listed violation (or none, for the pass cases).
import { create } from '@bufbuild/protobuf';
import type { DescMessage, Message } from '@bufbuild/protobuf';
import { DurationSchema, anyPack } from '@bufbuild/protobuf/wkt';
import { validateMessage } from '../index.js';
import { testMessage } from './pgv-test-schema.js';

type Init = Record<string, unknown>;

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const dur = (seconds: number, nanos = 0): Init => ({ seconds: BigInt(seconds), nanos });

function build(desc: DescMessage, init: Init): Message {
  // The schema is built at run time, so its shape is not known to the type checker.
  return create(desc, init as Parameters<typeof create>[1]);
}

function check(desc: DescMessage, init: Init): string[] {
  return validateMessage(desc, build(desc, init)).map((v) => `${v.path} ${v.rule}`);
}

describe('PGV scalar rule families', () => {
  const Scalars = testMessage('Scalars');
  const valid: Init = {
    floatGt: 1.5,
    doubleRange: 50,
    int32Outside: 11,
    int64In: 2n,
    uint32Const: 7,
    sint32Lte: -1,
    fixed64GtLt: 2n,
    sfixed32In: 1,
    sfixed64Const: -9n,
    boolConst: true,
    enumConst: 1,
    bytesLen: bytes(1, 9),
    bytesIp: bytes(10, 0, 0, 1),
    bytesConst: bytes(1, 2),
    bytesMisc: bytes(1, 2, 3),
    bytesPattern: utf8('abc'),
    bytesIn: bytes(1),
    strConst: 'fixed',
    strLen: 'abc',
    strMinMax: 'abc',
    strBytes: 'ab',
    strLenBytes: 'é',
    strPattern: 'reviews-v2',
    strAffix: 'outbound',
    strContains: 'a|b',
    strIn: 'http',
    strEmail: 'dev@example.com',
    strHostname: 'reviews.default.svc.cluster.local',
    strIp: '10.0.0.1',
    strIpv4: '127.0.0.1',
    strIpv6: '::1',
    strUri: 'https://istio.io/latest/docs/',
    strAddress: 'reviews',
    strUuid: '123e4567-e89b-12d3-a456-426614174000',
    strHeaderName: 'x-request-id',
  };

  it('accepts the valid baseline', () => {
    expect(check(Scalars, valid)).toEqual([]);
  });

  it('applies rules to proto3 zero values (an empty message breaks many rules)', () => {
    const found = check(Scalars, {});
    expect(found).toContain('float_gt float.gt');
    expect(found).toContain('str_min_max string.min_len');
    expect(found).toContain('bool_const bool.const');
    expect(found).not.toContain('str_ignore_empty string.min_len');
    expect(found).not.toContain('str_optional string.min_len');
  });

  const cases: [string, unknown, string | null][] = [
    // numbers: every kind, every comparison
    ['floatGt', 0, 'float_gt float.gt'],
    ['floatGt', 0.001, null],
    ['doubleRange', 100, null],
    ['doubleRange', 0, null],
    ['doubleRange', 100.5, 'double_range double.lte'],
    ['doubleRange', -1, 'double_range double.gte'],
    ['int32Outside', -1, null],
    ['int32Outside', 5, 'int32_outside int32.lt_gt'],
    ['int32Outside', 10, 'int32_outside int32.lt_gt'],
    ['int64In', 1n, null],
    ['int64In', 3n, 'int64_in int64.in'],
    ['uint32Const', 8, 'uint32_const uint32.const'],
    ['uint64NotIn', 4n, null],
    ['uint64NotIn', 5n, 'uint64_not_in uint64.not_in'],
    ['sint32Lte', 0, 'sint32_lte sint32.lte'],
    ['sint64Gte', -3n, null],
    ['sint64Gte', -4n, 'sint64_gte sint64.gte'],
    ['fixed32Lt', 9, null],
    ['fixed32Lt', 10, 'fixed32_lt fixed32.lt'],
    ['fixed64GtLt', 3n, null],
    ['fixed64GtLt', 1n, 'fixed64_gt_lt fixed64.gt'],
    ['fixed64GtLt', 4n, 'fixed64_gt_lt fixed64.lt'],
    ['sfixed32In', -1, null],
    ['sfixed32In', 0, 'sfixed32_in sfixed32.in'],
    ['sfixed64Const', 9n, 'sfixed64_const sfixed64.const'],
    // bool, enum
    ['boolConst', false, 'bool_const bool.const'],
    ['enumDefined', 1, null],
    ['enumDefined', 2, 'enum_defined enum.not_in'],
    ['enumDefined', 7, 'enum_defined enum.defined_only'],
    ['enumConst', 2, 'enum_const enum.const'],
    ['enumIn', 2, 'enum_in enum.in'],
    // bytes
    ['bytesLen', bytes(1, 2, 3, 4), null],
    ['bytesLen', bytes(1), 'bytes_len bytes.min_len'],
    ['bytesLen', bytes(1, 2, 3, 4, 5), 'bytes_len bytes.max_len'],
    ['bytesLen', bytes(2, 1), 'bytes_len bytes.prefix'],
    ['bytesIp', new Uint8Array(16), null],
    ['bytesIp', bytes(1, 2, 3), 'bytes_ip bytes.ip'],
    ['bytesConst', bytes(1, 3), 'bytes_const bytes.const'],
    ['bytesMisc', bytes(2, 2, 3), null],
    ['bytesMisc', bytes(1, 1, 3), 'bytes_misc bytes.contains'],
    ['bytesMisc', bytes(1, 2, 4), 'bytes_misc bytes.suffix'],
    ['bytesPattern', utf8('ab1'), 'bytes_pattern bytes.pattern'],
    ['bytesIn', bytes(2), 'bytes_in bytes.not_in'],
    ['bytesIn', bytes(3), 'bytes_in bytes.in'],
    // strings: lengths count runes, *_bytes count UTF-8 bytes
    ['strConst', 'fixed ', 'str_const string.const'],
    ['strLen', 'äöü', null],
    ['strLen', 'ab', 'str_len string.len'],
    ['strMinMax', '😀😀', null],
    ['strMinMax', 'a', 'str_min_max string.min_len'],
    ['strMinMax', 'abcde', 'str_min_max string.max_len'],
    ['strBytes', 'ü', null],
    ['strBytes', 'a', 'str_bytes string.min_bytes'],
    ['strBytes', 'üüü', 'str_bytes string.max_bytes'],
    ['strLenBytes', 'e', 'str_len_bytes string.len_bytes'],
    ['strPattern', 'reviews-v', 'str_pattern string.pattern'],
    ['strAffix', 'inbound', 'str_affix string.prefix'],
    ['strAffix', 'outside', 'str_affix string.suffix'],
    ['strContains', 'ab', 'str_contains string.contains'],
    ['strContains', 'a||b', 'str_contains string.not_contains'],
    ['strIn', 'tcp', 'str_in string.in'],
    ['strNotIn', 'forbidden', 'str_not_in string.not_in'],
    ['strNotIn', 'allowed', null],
    ['strEmail', 'Dev <dev@example.com>', null],
    ['strEmail', 'dev@', 'str_email string.email'],
    ['strEmail', 'dev@-bad-.com', 'str_email string.email'],
    ['strHostname', 'example.com.', null],
    ['strHostname', 'bad_host.com', 'str_hostname string.hostname'],
    ['strHostname', '-lead.com', 'str_hostname string.hostname'],
    ['strHostname', `${'a'.repeat(64)}.com`, 'str_hostname string.hostname'],
    ['strIp', 'fe80::1', null],
    ['strIp', '10.0.0', 'str_ip string.ip'],
    ['strIpv4', '::1', 'str_ipv4 string.ipv4'],
    ['strIpv6', '10.0.0.1', 'str_ipv6 string.ipv6'],
    ['strUri', 'relative/path', 'str_uri string.uri'],
    ['strUriRef', 'relative/path?x=1', null],
    ['strUriRef', 'bad%zzescape', 'str_uri_ref string.uri_ref'],
    ['strAddress', '192.168.1.1', null],
    ['strAddress', 'not an address', 'str_address string.address'],
    ['strUuid', 'not-a-uuid', 'str_uuid string.uuid'],
    ['strHeaderName', ':authority', null],
    ['strHeaderName', 'bad header', 'str_header_name string.well_known_regex'],
    ['strHeaderValue', 'text/html; charset=utf-8', null],
    ['strHeaderValue', 'a\u0007b', 'str_header_value string.well_known_regex'],
    ['strHeaderLoose', 'not strict but ok', null],
    ['strHeaderLoose', 'split\r\nheader', 'str_header_loose string.well_known_regex'],
    ['strIgnoreEmpty', 'ab', 'str_ignore_empty string.min_len'],
    ['strIgnoreEmpty', 'abc', null],
    ['strOptional', '', 'str_optional string.min_len'],
    ['strOptional', 'set', null],
  ];

  it.each(cases)('%s = %p gives %s', (field, value, expected) => {
    const found = check(Scalars, { ...valid, [field]: value });
    expect(found).toEqual(expected === null ? [] : [expected]);
  });
});

describe('PGV message, well-known type, repeated, map and oneof rule families', () => {
  const Sample = testMessage('Sample');
  const valid: Init = {
    requiredMsg: { id: 'a' },
    dur: dur(2),
    ts: dur(1500),
    any: anyPack(DurationSchema, create(DurationSchema, { seconds: 1n })),
    items: ['x1'],
    labels: { app: 'reviews' },
    choice: { case: 'choiceA', value: 'ab' },
  };
  const nowSeconds = Math.floor(Date.now() / 1000);

  it('accepts the valid baseline', () => {
    expect(check(Sample, valid)).toEqual([]);
  });

  const cases: [string, unknown, string[]][] = [
    // wrappers: the scalar rule applies to the wrapped value, only when the wrapper is set
    ['wrapped', 5, []],
    ['wrapped', 0, ['wrapped uint32.gt']],
    // message.required / message.skip / nested recursion / validate.disabled
    ['requiredMsg', undefined, ['required_msg message.required']],
    ['requiredMsg', { id: '' }, ['required_msg.id string.min_len']],
    ['skippedMsg', { id: '' }, []],
    ['nested', { id: '' }, ['nested.id string.min_len']],
    ['disabledMsg', { id: '' }, []],
    ['ignoredMsg', { id: '' }, []],
    // duration
    ['dur', undefined, ['dur duration.required']],
    ['dur', dur(10), ['dur duration.lt']],
    ['dur', dur(0, 999_999_999), ['dur duration.gte']],
    ['dur', dur(1, -5), ['dur duration.valid']],
    ['durSet', dur(0, 500_000_000), []],
    ['durSet', dur(1), ['dur_set duration.const']],
    ['durIn', dur(1), []],
    ['durIn', dur(2), ['dur_in duration.not_in']],
    ['durIn', dur(3), ['dur_in duration.in']],
    ['durLte', dur(5), []],
    ['durLte', dur(0), ['dur_lte duration.gt']],
    ['durLte', dur(5, 1), ['dur_lte duration.lte']],
    // timestamp
    ['ts', undefined, ['ts timestamp.required']],
    ['ts', dur(1000), ['ts timestamp.gt']],
    ['ts', dur(2000), ['ts timestamp.lt']],
    ['tsNow', dur(nowSeconds - 60), []],
    ['tsNow', dur(nowSeconds + 3600), ['ts_now timestamp.lt_now']],
    ['tsWithin', dur(nowSeconds), []],
    ['tsWithin', dur(nowSeconds - 3600), ['ts_within timestamp.within']],
    // any: required, in, not_in, and the payload type must be known
    ['any', undefined, ['any any.required']],
    ['any', { typeUrl: 'type.googleapis.com/google.protobuf.Empty' }, ['any any.in']],
    ['any', { typeUrl: 'type.googleapis.com/pgvtest.Leaf' }, ['any any.registered']],
    [
      'anyNotIn',
      { typeUrl: 'type.googleapis.com/google.protobuf.Empty' },
      ['any_not_in any.not_in'],
    ],
    // repeated
    ['items', ['x1', 'x2', 'x3'], []],
    ['items', [], ['items repeated.min_items']],
    ['items', ['x1', 'x2', 'x3', 'x4'], ['items repeated.max_items']],
    ['items', ['x1', 'x1'], ['items repeated.unique']],
    ['items', ['x1', 'y2'], ['items[1] string.prefix']],
    ['leaves', [{ id: 'a' }, { id: '' }], ['leaves[1].id string.min_len']],
    ['skippedLeaves', [{ id: '' }], []],
    ['uniqueInts', [1n, 2n], []],
    ['uniqueInts', [1n, 2n, 1n], ['unique_ints repeated.unique']],
    // map
    ['labels', { app: 'reviews', version: 'v1' }, []],
    ['labels', {}, ['labels map.min_pairs']],
    ['labels', { a: '1', b: '2', c: '3' }, ['labels map.max_pairs']],
    ['labels', { App: 'x' }, ['labels["App"] string.pattern']],
    ['labels', { app: '' }, ['labels["app"] string.min_len']],
    ['ports', { 9080: { id: 'p' } }, []],
    ['ports', { 70000: { id: 'p' } }, ['ports[70000] uint32.lte']],
    ['ports', { 9080: { id: '' } }, ['ports[9080].id string.min_len']],
    // oneof: validate.required, and member rules apply only to the selected member
    ['choice', { case: undefined }, ['choice oneof.required']],
    ['choice', { case: 'choiceA', value: 'a' }, ['choice_a string.min_len']],
    ['choice', { case: 'choiceB', value: { id: '' } }, ['choice_b.id string.min_len']],
    ['choice', { case: 'choiceB', value: { id: 'b' } }, []],
  ];

  it.each(cases)('%s = %p gives %p', (field, value, expected) => {
    expect(check(Sample, { ...valid, [field]: value })).toEqual(expected);
  });

  it('reports a sparse map entry under no_sparse', () => {
    const message = build(Sample, valid);
    Reflect.set(Reflect.get(message, 'ports') as object, '80', undefined);
    expect(validateMessage(Sample, message).map((v) => `${v.path} ${v.rule}`)).toEqual([
      'ports[80] map.no_sparse',
    ]);
  });

  it('collects every violation of a message, not only the first', () => {
    const found = check(Sample, { ...valid, items: [], dur: dur(20), nested: { id: '' } });
    expect(found).toEqual([
      'nested.id string.min_len',
      'dur duration.lt',
      'items repeated.min_items',
    ]);
  });
});
