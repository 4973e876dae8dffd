import { describe, expect, it } from 'vitest';
import type { CurrentUser, PermissionCode } from '../../api/src/contracts/auth';
import type { MenuItem } from './menu';
import { firstMenuPath, hasPermission, visibleMenu } from './permissions';
import { consoleMenu } from './routes';

function user(...permissions: PermissionCode[]): Pick<CurrentUser, 'permissions'> {
  return { permissions };
}

const candidate = user('registration:create', 'registration:read-own');
const reviewer = user('registration:read', 'registration-task:read', 'registration-task:claim', 'registration-task:complete');
const examAdmin = user('exam:read', 'exam:manage', 'registration:read', 'registration-task:read', 'registration-task:claim');

/** Menu titles as a flat outline, e.g. `网上报名/我的报名`. */
function outline(menu: readonly MenuItem[], prefix = ''): string[] {
  return menu.flatMap((item) => {
    const title = `${prefix}${item.title}`;
    return item.children ? outline(item.children, `${title}/`) : [title];
  });
}

describe('hasPermission', () => {
  it('denies everything to nobody', () => {
    expect(hasPermission(null, undefined)).toBe(false);
    expect(hasPermission(undefined, 'registration:create')).toBe(false);
  });

  it('lets any signed-in user open a page that needs no permission', () => {
    expect(hasPermission(user(), undefined)).toBe(true);
  });

  it('checks the exact code', () => {
    expect(hasPermission(candidate, 'registration:read-own')).toBe(true);
    expect(hasPermission(candidate, 'registration:read')).toBe(false);
  });
});

describe('visibleMenu on the console menu', () => {
  it('shows a candidate only the portal', () => {
    expect(outline(visibleMenu(consoleMenu, candidate))).toEqual(['网上报名/我的报名', '网上报名/报考指南', '网上报名/报名申请', '网上报名/证件照片', '网上报名/绑定手机', '网上报名/证照快递', '网上报名/消息中心']);
  });

  it('shows a reviewer the review inbox, their message centre (U6 催办) and the registration data of the exams they review', () => {
    expect(outline(visibleMenu(consoleMenu, reviewer))).toEqual(['待办事项/资格审核待办', '待办事项/回避申报', '待办事项/消息中心', '报名数据管理/报名数据', '报名数据管理/报名统计']);
  });

  it('U5: shows an exam admin the exam administration pages with their role inbox (not the reviewers\' 资格审核待办), and nothing to nobody', () => {
    expect(outline(visibleMenu(consoleMenu, examAdmin))).toEqual(['考务管理/模板管理', '考务管理/我的待办', '考务管理/消息中心', '考务管理/资格审核设置', '考试管理/考试设置', '报名数据管理/报名数据', '报名数据管理/报名统计']);
    expect(visibleMenu(consoleMenu, null)).toEqual([]);
  });

  it('hides detail pages', () => {
    expect(outline(consoleMenu)).not.toContain('网上报名/报名详情');
  });

  it('lands each role on its first visible page', () => {
    expect(firstMenuPath(visibleMenu(consoleMenu, candidate))).toBe('/portal/registrations');
    expect(firstMenuPath(visibleMenu(consoleMenu, reviewer))).toBe('/inbox/review');
    expect(firstMenuPath(visibleMenu(consoleMenu, examAdmin))).toBe('/exam-admin/templates');
  });
});

describe('visibleMenu', () => {
  const menu: MenuItem[] = [
    {
      path: '/a',
      title: 'A',
      children: [
        { path: '/a/1', title: 'A1', permission: 'exam:read' },
        { path: '/a/2', title: 'A2', permission: 'exam:manage' },
      ],
    },
    { path: '/b', title: 'B', permission: 'audit:read', children: [{ path: '/b/1', title: 'B1' }] },
    { path: '/c', title: 'C' },
  ];

  it('keeps only the permitted children of a group', () => {
    expect(outline(visibleMenu(menu, user('exam:read')))).toEqual(['A/A1', 'C']);
  });

  it("hides a group's pages when the group itself needs a permission the user lacks", () => {
    expect(outline(visibleMenu(menu, user('exam:read', 'exam:manage')))).toEqual(['A/A1', 'A/A2', 'C']);
    expect(outline(visibleMenu(menu, user('audit:read')))).toEqual(['B/B1', 'C']);
  });

  it('does not change the menu it filters', () => {
    visibleMenu(menu, user());
    expect(menu[0]?.children).toHaveLength(2);
  });
});
