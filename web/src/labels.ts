import type { AuditVerificationView, auditResults } from '../../api/src/contracts/audit';
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

/** Looks a code up in a label table; a code the table does not know is shown as it is. */
function labelOr(labels: Readonly<Record<string, string>>, code: string): string {
  return Object.hasOwn(labels, code) ? (labels[code] ?? code) : code;
}

/** 安全审计日志: the actions the API records (api/src), by their code. */
export const auditActionLabels: Readonly<Record<string, string>> = {
  'auth.login': '登录',
  'auth.logout': '退出',
  'registration.create': '提交报名',
  'registration.download-form': '下载报名表',
  'registration.resubmit': '修改报名信息并重新签署',
  'registration.withdraw': '撤回报名确认',
  'registration.upload-certificate': '上传已取得的证书',
  'task.claim': '认领待办',
  'task.unclaim': '退回认领',
  'task.complete': '办理待办',
  'process.deploy': '部署流程',
  'access.denied': '越权访问',
  'audit.export': '导出审计日志',
  'audit.verify': '校验审计日志',
  'template.draft-create': '保存模板草稿',
  'template.draft-update': '修改模板草稿',
  'template.draft-delete': '删除模板草稿',
  'template.publish': '发布模板版本',
  'major.create': '添加专业目录',
  'exam.create': '新建考试',
  'exam.update': '修改考试基本信息',
  'exam.sessions': '设置考试时间',
  'exam.majors': '设置考试专业',
  'exam.subject.create': '添加科目',
  'exam.subject.update': '修改科目',
  'exam.subject.delete': '删除科目',
  'exam.fees': '设置科目费用',
  'exam.level.create': '添加报考级别',
  'exam.level.update': '修改报考级别',
  'exam.level.delete': '删除报考级别',
  'exam.level.bind-major': '报考级别绑定专业',
  'exam.level.unbind-major': '报考级别解除绑定专业',
  'exam.level.bind-subject': '报考级别绑定科目',
  'exam.level.unbind-subject': '报考级别解除绑定科目',
  'exam.publish': '发布考试',
  'exam.unpublish': '取消发布考试',
  'registration.search': '查询报名数据',
  'registration.view': '查看报名详情',
  'registration.correct': '更正报名信息',
  'registration.statistics-export': '导出报名统计',
  'payment.search': '查询缴费订单',
  'payment.export': '导出缴费订单',
  'payment.view': '查看缴费订单详情',
  'payment.refund-request': '申请退款',
  'payment.refund-approve': '批准退款',
  'payment.refund-reject': '驳回退款申请',
  'payment.refund-retry': '重新发起退款',
  'payment.reconcile': '对账（支付平台对账单）',
  'payment.reconcile-upload': '对账（上传对账单）',
  'payment.reconciliation-view': '查看对账结果',
  'payment.reconciliation-resolve': '处理对账差异',
  'payment.reconciliation-credit': '对账补记入账',
  'integrity.access-control': '访问控制数据完整性异常',
  'integrity.record': '业务数据完整性异常',
  'delivery.create': '申请证照快递',
  'courier.callback': '快递平台回调（被拒绝）',
};

export function auditActionLabel(code: string): string {
  return labelOr(auditActionLabels, code);
}

/** el-tag colour per audit result: success green, failure orange, denied red. */
export const auditResultTagTypes: Record<(typeof auditResults)[number], 'success' | 'warning' | 'danger'> = {
  success: 'success',
  failure: 'warning',
  denied: 'danger',
};

/** What the hash-chain check found wrong with an entry (api/src/security/audit-chain.ts). */
export const auditProblemKindLabels: Readonly<Record<string, string>> = {
  edited: '被篡改',
  'deleted-before': '前序记录被删除',
  inserted: '被插入',
  'broken-link': '链接断裂',
  'missing-tail': '末尾记录缺失',
};

export function auditProblemKindLabel(kind: string): string {
  return labelOr(auditProblemKindLabels, kind);
}

/** The outcome of 校验完整性 in words: a summary line and, when the chain is broken, one line per problem. */
export function auditVerificationText(result: AuditVerificationView): { title: string; summary: string; problems: string[] } {
  if (result.ok) {
    const head = result.head
      ? `；最新记录 #${result.head.id} 哈希 ${result.head.hash}（请另行记录以便日后比对）`
      : '；暂无审计记录';
    return { title: '校验通过', summary: `审计日志哈希链完整，共校验 ${result.checked} 条${head}`, problems: [] };
  }
  return {
    title: '校验未通过',
    summary: `审计日志哈希链不完整：共校验 ${result.checked} 条，发现 ${result.problems.length} 处问题`,
    problems: result.problems.map((p) => `#${p.id} ${auditProblemKindLabel(p.kind)}${p.detail ? `：${p.detail}` : ''}`),
  };
}
