import { describe, expect, it } from 'vitest';
import { translate } from './modeler-translate';

describe('modeler labels', () => {
  it('U1: palette and panel texts are Chinese, placeholders are filled, unknown texts stay as they are', () => {
    expect(translate('Create task')).toBe('创建任务');
    expect(translate('Candidate groups')).toBe('候选组');
    expect(translate('Append {type}', { type: 'Task' })).toBe('Append Task');
    expect(translate('Something new')).toBe('Something new');
  });
});
