// Splits a YAML stream into documents the way Kubernetes' YAML reader does: on lines that start
// with `---` followed by nothing, whitespace or a comment. Splitting before parsing means a syntax
// error (say an unterminated quote) stays inside its own document instead of swallowing the rest
// of the file, which a single whole-stream parse would do.

export interface YamlChunk {
  /** Zero-based document position in the file, as YAML counts documents. */
  index: number;
  /** 1-based line of the chunk's first line in the file, to map parser positions back. */
  startLine: number;
  text: string;
}

const SEPARATOR = /^---(?=\s|$)/;

export function splitYamlDocuments(text: string): YamlChunk[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const chunks: YamlChunk[] = [];
  let current: string[] = [];
  let startLine = 1;
  let sawContent = false;
  lines.forEach((line, i) => {
    if (SEPARATOR.test(line)) {
      // A separator before any content opens the first document rather than ending an empty one,
      // so `---` at the top of a file does not shift every document index by one.
      if (sawContent || chunks.length > 0) {
        chunks.push({ index: chunks.length, startLine, text: current.join('\n') });
      }
      // Keep whatever follows the marker on its line (`--- {a: 1}`), blanked to keep columns.
      current = ['   ' + line.slice(3)];
      startLine = i + 1;
      sawContent = !isBlankOrComment(line.slice(3));
      return;
    }
    current.push(line);
    if (!isBlankOrComment(line)) sawContent = true;
  });
  chunks.push({ index: chunks.length, startLine, text: current.join('\n') });
  return chunks;
}

function isBlankOrComment(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}
