// The file config source: parsing of config files, a live-watching ConfigSource over directories,
// and one-shot loading for offline commands.
export { FileSource, type FileSourceOptions } from './file-source.js';
export { loadConfigPaths } from './load-config-paths.js';
export {
  parseConfigFile,
  PARSE_ERROR_CODE,
  PARSE_WARNING_CODE,
  type ParsedConfigFile,
} from './parse.js';
export { isConfigFileName, isIgnoredName } from './config-file-names.js';
