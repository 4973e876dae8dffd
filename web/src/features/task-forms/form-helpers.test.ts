import { describe, expect, it } from 'vitest';
import { formJsSchema } from '../../../../api/src/contracts/task-forms';
import { hasTaskForm, newFormSchema, schemaFieldKeys, splitFieldErrors, submittedData } from './form-helpers';

describe('task form helpers', () => {
  it('U3: a new form starts with a schema the API accepts', () => {
    expect(formJsSchema.safeParse(newFormSchema()).success).toBe(true);
  });

  it('U3: only designed forms and the generic approval form open the form dialog', () => {
    expect(hasTaskForm('form:expert-review')).toBe(true);
    expect(hasTaskForm('app:generic-approval')).toBe(true);
    expect(hasTaskForm('form:')).toBe(false);
    expect(hasTaskForm('app:qualification-review')).toBe(false);
    expect(hasTaskForm(null)).toBe(false);
  });

  it('U3: field errors are split into the form fields (nested too) and the rest', () => {
    const schema = {
      components: [
        { type: 'textfield', key: 'score' },
        { type: 'group', components: [{ type: 'textarea', key: 'note' }] },
        { type: 'text', text: 'x' },
      ],
    };
    expect(schemaFieldKeys(schema)).toEqual(['score', 'note']);
    const split = splitFieldErrors(
      [
        { field: 'score', message: '评分：此项为必填项' },
        { field: 'score', message: 'second' },
        { field: 'note', message: '说明过长' },
        { field: 'opinion', message: '不同意时请填写审批意见' },
      ],
      schema,
    );
    expect(split.formFields).toEqual({ score: '评分：此项为必填项', note: '说明过长' });
    expect(split.other).toEqual({ opinion: '不同意时请填写审批意见' });
  });

  it('U3: empty values are not submitted, others are kept as they are', () => {
    expect(submittedData({ a: '', b: null, c: undefined, d: [], e: 0, f: false, g: 'x', h: ['y'] })).toEqual({ e: 0, f: false, g: 'x', h: ['y'] });
  });
});
