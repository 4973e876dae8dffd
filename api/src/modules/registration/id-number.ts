const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChars = '10X98765432';

/** GB 11643-1999 resident ID number: valid check character and a real birth date not in the future. */
export function validateIdNumber(id: string, today = new Date()): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码应为18位，最后一位可以是数字或X';
  const sum = weights.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (checkChars[sum % 11] !== id[17]) return '身份证号码校验位不正确，请核对';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (birth.getUTCFullYear() !== year || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || year < 1900) {
    return '身份证号码中的出生日期不正确';
  }
  if (birth > today) return '身份证号码中的出生日期晚于今天';
  return null;
}
