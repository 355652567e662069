import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { folderChanges, folderSnapshot } from '../../../src/stand-ins/ec2/application-folder';

describe('what an application wrote into its folder (where the sandbox cannot be imposed)', () => {
  test('is every file added, changed or removed, and each new folder, but not an old folder whose files changed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-changes-'));
    fs.mkdirSync(path.join(dir, 'old'));
    fs.writeFileSync(path.join(dir, 'old', 'kept.txt'), 'a');
    fs.writeFileSync(path.join(dir, 'old', 'changed.txt'), 'a');
    fs.writeFileSync(path.join(dir, 'removed.txt'), 'a');
    const before = folderSnapshot(dir);
    fs.writeFileSync(path.join(dir, 'old', 'changed.txt'), 'ab');
    fs.rmSync(path.join(dir, 'removed.txt'));
    fs.mkdirSync(path.join(dir, 'cache'));
    fs.writeFileSync(path.join(dir, 'cache', 'new.json'), '{}');
    expect(folderChanges(before, folderSnapshot(dir))).toEqual(['cache', 'cache/new.json', 'old/changed.txt', 'removed.txt']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
