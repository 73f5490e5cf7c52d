// Turns the text of one config file into raw documents plus the syntax problems found in it.
// Contract: a problem in one document never drops another; every error names the file, the
// document index and, for syntax errors, the line:col in the file (not in the document).
//
// Error code: Istio's analyzer has no message for unparseable input. `istioctl analyze` reports
// such files outside its message catalogue ("errors parsing content ...", exit code FileParseError),
// and IST0001 InternalError means a bug in the toolchain, which a user's typo is not. We use
// IST0106 SchemaValidationError, the catalogue's error for "this config is not well-formed", and
// IST0133 SchemaWarning for the parser's warnings, so `analyze` output stays in Istio's vocabulary.
import { parseDocument, type YAMLError } from 'yaml';
import type { RawObject, SourceRef } from '../../model/config.js';
import type { ConfigError, Severity } from '../../model/validation/types.js';
import type { RawDocument } from '../types.js';
import { isJsonFileName } from './config-file-names.js';
import { locateJsonError } from './locate-json-error.js';
import { splitYamlDocuments, type YamlChunk } from './split-yaml-documents.js';

export const PARSE_ERROR_CODE = 'IST0106';
export const PARSE_WARNING_CODE = 'IST0133';

export interface ParsedConfigFile {
  documents: RawDocument[];
  errors: ConfigError[];
}

// Merge keys (`<<: *base`) are accepted because Kubernetes' YAML decoder accepts them; the alias
// cap stops a "billion laughs" document from exhausting memory.
const YAML_OPTIONS = { merge: true, uniqueKeys: true, prettyErrors: true } as const;
const MAX_ALIAS_COUNT = 100;

/** Parses `*.json` as JSON and anything else as (multi-document) YAML. */
export function parseConfigFile(file: string, text: string): ParsedConfigFile {
  const out: ParsedConfigFile = { documents: [], errors: [] };
  const body = text.replace(/^\uFEFF/, '');
  if (isJsonFileName(file)) parseJson(file, body, out);
  else for (const chunk of splitYamlDocuments(body)) parseYamlChunk(file, chunk, out);
  return out;
}

function parseYamlChunk(file: string, chunk: YamlChunk, out: ParsedConfigFile): void {
  const source: SourceRef = { file, docIndex: chunk.index };
  const doc = parseDocument(chunk.text, YAML_OPTIONS);
  for (const w of doc.warnings) {
    out.errors.push(syntaxProblem(source, 'Warning', 'YAML', w, chunk.startLine));
  }
  if (doc.errors.length > 0) {
    out.errors.push(syntaxProblem(source, 'Error', 'YAML', doc.errors[0], chunk.startLine));
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    out.errors.push(problem(source, 'Error', `YAML document cannot be read: ${messageOf(e)}`));
    return;
  }
  addValue(source, value, out);
}

function parseJson(file: string, text: string, out: ParsedConfigFile): void {
  const source: SourceRef = { file, docIndex: 0 };
  if (text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    out.errors.push(
      problem(source, 'Error', `JSON syntax error${jsonErrorAt(text)}: ${oneLine(messageOf(e))}`),
    );
    return;
  }
  addValue(source, value, out);
}

/** Adds one parsed document: an object, a Kubernetes List (one document per item) or nothing. */
function addValue(source: SourceRef, value: unknown, out: ParsedConfigFile): void {
  if (value === null || value === undefined) return; // empty or comments-only document
  if (!isPlainObject(value)) {
    out.errors.push(problem(source, 'Error', `document is ${describe(value)}, not an object`));
    return;
  }
  if (!isList(value)) {
    out.documents.push({ source, object: value });
    return;
  }
  value.items.forEach((item, i) => {
    if (isPlainObject(item)) out.documents.push({ source, object: item });
    else if (item !== null && item !== undefined) {
      out.errors.push(problem(source, 'Error', `items[${i}] is ${describe(item)}, not an object`));
    }
  });
}

/** `kind: List` (kubectl's output) or a typed list such as `VirtualServiceList`, with `items`. */
function isList(o: RawObject): o is RawObject & { items: unknown[] } {
  return typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
}

function isPlainObject(v: unknown): v is RawObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a sequence';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

function syntaxProblem(
  source: SourceRef,
  severity: Severity,
  format: string,
  err: YAMLError,
  startLine: number,
): ConfigError {
  // The parser's message repeats the chunk-relative position and a code excerpt; keep the first
  // sentence and put the file-relative line:col in front.
  const text = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = err.linePos?.[0];
  const at = pos ? ` at ${pos.line + startLine - 1}:${pos.col}` : '';
  const what = severity === 'Error' ? 'syntax error' : 'warning';
  return problem(source, severity, `${format} ${what}${at}: ${text}`);
}

function problem(source: SourceRef, severity: Severity, message: string): ConfigError {
  const code = severity === 'Error' ? PARSE_ERROR_CODE : PARSE_WARNING_CODE;
  return { code, severity, source, message };
}

function jsonErrorAt(text: string): string {
  const pos = locateJsonError(text);
  return pos ? ` at ${pos.line}:${pos.col}` : '';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** V8 quotes the input around the bad token, newlines included; an error is one line. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}
