// Which file names count as config and which (editor temp files, hidden) are ignored.
import { isConfigFileName, isIgnoredName } from '../config-file-names.js';

describe('config file names', () => {
  it.each(['a.yaml', 'b.yml', 'c.json', 'dir/D.YAML'])('reads %s', (name) => {
    expect(isConfigFileName(name)).toBe(true);
  });

  it.each([
    '.hidden.yaml',
    'a.yaml~',
    '.#a.yaml',
    '#a.yaml#',
    '.a.yaml.swp',
    'a.yaml.swp',
    '4913',
    'notes.txt',
    'a.yaml.tmp',
  ])('skips %s', (name) => {
    expect(isConfigFileName(name)).toBe(false);
  });

  it('ignores dot directories such as ConfigMap ..data', () => {
    expect(isIgnoredName('..data')).toBe(true);
    expect(isIgnoredName('.git')).toBe(true);
    expect(isIgnoredName('networking')).toBe(false);
  });
});
