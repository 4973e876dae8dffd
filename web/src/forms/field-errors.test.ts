import { describe, expect, it } from 'vitest';
import { registrationForm } from '../../../api/src/contracts/registration';
import { issuesToFieldMessages, readableMessage, toFieldErrors } from './field-errors';

const fields = ['fullName', 'idNumber', 'phone'] as const;

describe('toFieldErrors', () => {
  it('puts each message on its field, the first one winning', () => {
    const { errors, others } = toFieldErrors(
      [
        { field: 'idNumber', message: '身份证号码格式不正确' },
        { field: 'idNumber', message: '第二条' },
        { field: 'phone.0', message: '手机号码格式不正确' },
      ],
      fields,
    );
    expect(errors).toEqual({ idNumber: '身份证号码格式不正确', phone: '手机号码格式不正确' });
    expect(others).toEqual([]);
  });

  it('returns messages for unknown fields separately', () => {
    const { errors, others } = toFieldErrors([{ field: 'examId', message: '考试已截止报名' }], fields);
    expect(errors).toEqual({});
    expect(others).toEqual(['考试已截止报名']);
  });
});

describe('issuesToFieldMessages', () => {
  it('maps the registration schema issues to the form fields', () => {
    const result = registrationForm.safeParse({ fullName: '张', idNumber: '123', phone: '12345' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const { errors } = toFieldErrors(issuesToFieldMessages(result.error.issues), fields);
    expect(errors).toEqual({
      fullName: '姓名至少2个字',
      idNumber: '身份证号码应为18位，最后一位可以是数字或X',
      phone: '手机号码应为11位中国大陆手机号',
    });
  });
});

describe('readableMessage', () => {
  it('keeps Chinese messages', () => {
    expect(readableMessage('请选择考试', '考试', true)).toBe('请选择考试');
  });

  it("replaces zod's English defaults", () => {
    expect(readableMessage('Invalid input: expected string, received undefined', '身份证号码', true)).toBe('请填写身份证号码');
    expect(readableMessage('Too big', '工作年限', false)).toBe('工作年限格式不正确');
  });
});
