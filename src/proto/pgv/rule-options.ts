// Reads the PGV annotations (validate.rules, validate.required, validate.disabled, and the
// newer validate.ignored) from descriptors. Only called while compiling rule tables.
import { createRegistry, getOption, hasOption, isFieldSet } from '@bufbuild/protobuf';
import type { DescField, DescMessage, DescOneof, Message } from '@bufbuild/protobuf';
import {
  disabled,
  file_validate_validate,
  required,
  rules,
} from '../../gen/validate/validate_pb.js';
import type { FieldRules } from '../../gen/validate/validate_pb.js';

const validateTypes = createRegistry(file_validate_validate);

/** Field number of `validate.ignored` (MessageOptions); absent from the vendored validate.proto. */
const IGNORED_OPTION_NUMBER = 1072;

export function fieldRules(field: DescField): FieldRules | undefined {
  return hasOption(field, rules) ? getOption(field, rules) : undefined;
}

export function isOneofRequired(oneof: DescOneof): boolean {
  return hasOption(oneof, required) && getOption(oneof, required);
}

/**
 * PGV generates no checks for a message marked `disabled` or `ignored`: the message and
 * everything below it is accepted as is. `ignored` is read from the unknown fields of the
 * options because the vendored validate.proto predates it.
 */
export function isMessageSkipped(desc: DescMessage): boolean {
  if (hasOption(desc, disabled) && getOption(desc, disabled)) return true;
  const unknown = desc.proto.options?.$unknown ?? [];
  return unknown.some(
    (f) =>
      f.no === IGNORED_OPTION_NUMBER && f.wireType === 0 && f.data.length > 0 && f.data[0] !== 0,
  );
}

/**
 * Whether a proto2 field of a rules message (e.g. `gt` of UInt32Rules), named by its
 * localName, was written in the annotation. Presence matters: `gt: 0` is a rule, no `gt` is not.
 */
export function isRuleSet(ruleMessage: Message, localName: string): boolean {
  const field = validateTypes.getMessage(ruleMessage.$typeName)?.field[localName];
  return field !== undefined && isFieldSet(ruleMessage, field);
}

/** The value of a rule field (by localName) when set, else undefined. */
export function ruleValue<T>(ruleMessage: Message, localName: string): T | undefined {
  return isRuleSet(ruleMessage, localName) ? (Reflect.get(ruleMessage, localName) as T) : undefined;
}
