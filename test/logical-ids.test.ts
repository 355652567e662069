import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { newStack } from './util';
import { ZeroDowntimeWebTier } from '../src';

describe('the default stack\'s logical ids', () => {
  test('with no props, every resource keeps the logical id and type it had (a change would replace it in users\' stacks)', () => {
    // GIVEN
    const pinned: Record<string, string> = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'default-logical-ids.json'), 'utf8'));
    const stack = newStack();
    // WHEN
    new ZeroDowntimeWebTier(stack, 'WebTier');
    // THEN
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
    const now = Object.fromEntries(Object.keys(pinned).map(id => [id, resources[id]?.Type]));
    expect(now).toEqual(pinned);
  });
});
