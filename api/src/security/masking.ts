/**
 * Display masks for personal data (等保二级 个人信息保护): lists, messages, audit details and logs show
 * these instead of the clear value. They live in the security layer, beside the field cipher that
 * protects the same fields at rest, because every layer shows personal data (auth, the audit log,
 * modules) and none of them may import a domain module to do it.
 */

/** Shows the first 3 and last 4 characters only. */
export const maskIdNumber = (id: string): string => `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
export const maskPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
/** Keeps the family name: 张三 → 张*, 欧阳娜娜 → 欧***. */
export const maskName = (name: string): string => {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
};
