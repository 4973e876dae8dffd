import { describe, expect, it } from 'vitest';
import { insertAt, paramChoices, placeholderErrors, previewMessage, saveRequest } from './message-template-editor';

const template = { params: ['name', 'registrationNo', 'paymentDeadline'], version: 3 };

describe('message template editor (G5)', () => {
  it('G5 previews the message with sample values, as the phone would show it', () => {
    expect(previewMessage({ title: '{{name}}的报名', body: '报名号{{ registrationNo }}，请在{{paymentDeadline}}前缴费。' })).toEqual({
      title: '张三的报名',
      body: '报名号BM2026000123，请在2026-06-30 17:00前缴费。',
    });
    // An unknown placeholder stays visible in the preview; the error says what is wrong.
    expect(previewMessage({ title: 'x', body: '{{name}}{{idNumber}}' }).body).toBe('张三{{idNumber}}');
  });

  it('G5 flags unknown and malformed placeholders on the field they are in', () => {
    expect(placeholderErrors({ title: '报名{{name', body: '{{idNumber}}' }, template.params)).toEqual({
      title: '占位符须写成{{名称}}，请检查是否缺少或多出花括号',
      body: '不支持的占位符{{idNumber}}，可用的占位符：{{name}}、{{registrationNo}}、{{paymentDeadline}}',
    });
    expect(placeholderErrors({ title: '{{ bad name }}', body: '{{name}}' }, template.params)).toEqual({ title: '占位符{{bad name}}格式不正确' });
    expect(placeholderErrors({ title: '报名', body: '{{name}}，{{registrationNo}}' }, template.params)).toEqual({});
  });

  it('G5 builds the save request with the version edited, or the errors per field', () => {
    expect(saveRequest(template, { title: ' 标题 ', body: '{{name}}', channels: ['sms'] })).toEqual({ request: { title: '标题', body: '{{name}}', channels: ['sms'], version: 3 } });
    expect(saveRequest(template, { title: '', body: '{{x}}', channels: [] })).toEqual({
      errors: { title: '请填写消息标题', body: expect.stringContaining('不支持的占位符{{x}}') as string, channels: '请至少选择一个发送渠道' },
    });
  });

  it('G5 inserts a placeholder at the cursor and lists placeholders with their meaning', () => {
    expect(insertAt('您好，。', '{{name}}', 3, 3)).toEqual({ text: '您好，{{name}}。', cursor: 11 });
    expect(insertAt('abc', '{{name}}', null, null)).toEqual({ text: 'abc{{name}}', cursor: 11 });
    expect(paramChoices(['name', 'other'])).toEqual([
      { name: 'name', token: '{{name}}', label: '姓名' },
      { name: 'other', token: '{{other}}', label: 'other' },
    ]);
  });
});
