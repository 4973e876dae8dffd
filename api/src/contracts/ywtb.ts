/**
 * Codes a failed 一网通办 sign-in sends the browser back with (`/login?error=<code>`), and the
 * Chinese message the sign-in page shows for each. Shared by the API and the console.
 */
export const ywtbLoginErrors = {
  ywtb_state: '登录请求已失效或来源不可信，请重新点击“一网通办登录”',
  ywtb_denied: '您已取消一网通办登录',
  ywtb_token: '一网通办身份凭证校验失败，请重新登录',
  ywtb_unavailable: '暂时无法连接一网通办，请稍后再试',
  ywtb_account: '账号不可用，请联系系统管理员',
} as const;

export type YwtbLoginError = keyof typeof ywtbLoginErrors;

/** The message for `?error=`; undefined for anything that is not one of our codes. */
export function ywtbLoginErrorMessage(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(ywtbLoginErrors, code) ? ywtbLoginErrors[code as YwtbLoginError] : undefined;
}

/** Where the 办事指南 entry link lands a candidate. */
export const YWTB_ENTRY_RETURN_TO = '/portal/apply';
