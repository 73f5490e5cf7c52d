// The PGV walker: validates a protobuf-es message against the validate.* annotations of its
// descriptor, recursing into nested messages, list items, map values and Any payloads.
// Rule tables are compiled once per message type and cached by descriptor, and message types
// from which no rule (and no Any) is reachable are never visited, so checking every
// generated resource stays cheap.
import { fromBinary } from '@bufbuild/protobuf';
import type { DescMessage, DescOneof, Message, MessageShape } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { registry, typeNameOfUrl } from '../registry.js';
import { compileField } from './field-plan.js';
import type { FieldRunner, MessageObject, NestedWalker } from './field-plan.js';
import { fieldRules, isMessageSkipped, isOneofRequired } from './rule-options.js';
import type { PgvViolation } from './types.js';
import { violation } from './types.js';

const ANY_TYPE = 'google.protobuf.Any';

interface MessagePlan {
  requiredOneofs: DescOneof[];
  fields: FieldRunner[];
}

const plans = new WeakMap<DescMessage, MessagePlan | null>();
const localRules = new WeakMap<DescMessage, boolean>();
const walkNeeded = new WeakMap<DescMessage, boolean>();

/** Whether the type itself carries anything to check (an Any always does: its payload). */
function hasLocalRules(desc: DescMessage): boolean {
  let has = localRules.get(desc);
  if (has === undefined) {
    has =
      desc.typeName === ANY_TYPE ||
      (!isMessageSkipped(desc) &&
        (desc.oneofs.some(isOneofRequired) ||
          desc.fields.some((f) => fieldRules(f) !== undefined)));
    localRules.set(desc, has);
  }
  return has;
}

function childTypes(desc: DescMessage): DescMessage[] {
  if (isMessageSkipped(desc) || desc.typeName === ANY_TYPE) return [];
  const out: DescMessage[] = [];
  for (const f of desc.fields) {
    if (f.fieldKind === 'message') out.push(f.message);
    else if (f.fieldKind === 'list' && f.listKind === 'message') out.push(f.message);
    else if (f.fieldKind === 'map' && f.mapKind === 'message') out.push(f.message);
  }
  return out;
}

/** Whether any rule is reachable from this type (searching the type graph, cycles included). */
function needsWalk(desc: DescMessage): boolean {
  const cached = walkNeeded.get(desc);
  if (cached !== undefined) return cached;
  const seen = new Set<DescMessage>([desc]);
  const queue = [desc];
  let found = false;
  for (let i = 0; i < queue.length && !found; i++) {
    const d = queue[i] as DescMessage;
    const known = d === desc ? undefined : walkNeeded.get(d);
    if (known === true || hasLocalRules(d)) found = true;
    else if (known === false) continue;
    else {
      for (const child of childTypes(d)) {
        if (seen.has(child)) continue;
        seen.add(child);
        queue.push(child);
      }
    }
  }
  // Nothing reachable from `desc` has rules, so nothing reachable from any visited type has.
  if (!found) for (const d of seen) walkNeeded.set(d, false);
  walkNeeded.set(desc, found);
  return found;
}

const walker: NestedWalker = { walk: walkMessage, needsWalk };

function planFor(desc: DescMessage): MessagePlan | null {
  let plan = plans.get(desc);
  if (plan === undefined) {
    plan = isMessageSkipped(desc)
      ? null
      : {
          requiredOneofs: desc.oneofs.filter(isOneofRequired),
          fields: desc.fields
            .map((f) => compileField(f, walker))
            .filter((r): r is FieldRunner => r !== undefined),
        };
    plans.set(desc, plan);
  }
  return plan;
}

function walkAny(any: Any, path: string, out: PgvViolation[]): void {
  const schema = any.typeUrl === '' ? undefined : registry.getMessage(typeNameOfUrl(any.typeUrl));
  if (!schema) {
    const what = any.typeUrl === '' ? 'Any has no type URL' : `unknown type "${any.typeUrl}"`;
    out.push(violation(path, 'any.registered', `${what}: not in the protobuf registry`));
    return;
  }
  if (!needsWalk(schema)) return;
  let inner: Message;
  try {
    inner = fromBinary(schema, any.value);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    out.push(violation(path, 'any.decode', `cannot decode ${schema.typeName}: ${reason}`));
    return;
  }
  walkMessage(schema, inner, path, out);
}

function walkMessage(desc: DescMessage, message: Message, path: string, out: PgvViolation[]): void {
  if (desc.typeName === ANY_TYPE) {
    walkAny(message as Any, path, out);
    return;
  }
  const plan = planFor(desc);
  if (!plan) return;
  const obj = message as unknown as MessageObject;
  for (const oneof of plan.requiredOneofs) {
    if ((obj[oneof.localName] as { case: unknown }).case === undefined) {
      out.push(
        violation(
          path === '' ? oneof.name : `${path}.${oneof.name}`,
          'oneof.required',
          'value is required',
        ),
      );
    }
  }
  for (const run of plan.fields) run(obj, path, out);
}

/** All PGV violations of a message; empty when valid. */
export function validateMessage<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): PgvViolation[] {
  const out: PgvViolation[] = [];
  if (needsWalk(schema)) walkMessage(schema, message, '', out);
  return out;
}
