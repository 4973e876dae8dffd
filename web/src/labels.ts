import type { RoleCode } from '../../api/src/contracts/auth';
import {
  levelLabels,
  levelCodes,
  type LevelCode,
  type RegistrationStatus,
} from '../../api/src/contracts/registration';

export const systemName = '上海市初级注册安全工程师管理子系统';

/** Role names as shown in the console header. */
export const roleLabels: Record<RoleCode, string> = {
  candidate: '考生',
  'exam-reviewer': '资格审核员',
  'exam-admin': '考务管理员',
  'approver-yjj': '审批人员（市应急局）',
  'approver-zjw': '审批人员（市住建委）',
  'approver-jtw': '审批人员（市交通委）',
  'process-designer': '流程设计员',
  'system-admin': '系统管理员',
};

/** el-tag colour per registration status: waiting is grey/amber, a good outcome green, a bad one red. */
export const registrationStatusTagTypes: Record<RegistrationStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  draft: 'info',
  submitted: 'info',
  returned: 'warning',
  'under-review': 'warning',
  approved: 'success',
  rejected: 'danger',
  paid: 'success',
  cancelled: 'info',
};

function isLevelCode(code: string): code is LevelCode {
  return (levelCodes as readonly string[]).includes(code);
}

/** Inbox rows carry the level as a plain string; unknown codes are shown as they are. */
export function levelLabel(code: string): string {
  return isLevelCode(code) ? levelLabels[code] : code;
}
