import { Memo } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'exams',
      order: 10,
      route: {
        path: 'list',
        name: 'exam-list',
        component: () => import('./ExamListView.vue'),
        meta: { title: '考试设置', permission: 'exam:read', icon: Memo },
      },
    },
    {
      section: 'exams',
      order: 20,
      route: {
        path: 'new',
        name: 'exam-new',
        component: () => import('./ExamEditorView.vue'),
        meta: { title: '新建考试', permission: 'exam:manage', hidden: true, activeMenu: '/exams/list' },
      },
    },
    {
      section: 'exams',
      order: 30,
      route: {
        path: ':examId(\\d+)',
        name: 'exam-editor',
        component: () => import('./ExamEditorView.vue'),
        props: true,
        meta: { title: '考试设置', permission: 'exam:read', hidden: true, activeMenu: '/exams/list' },
      },
    },
  ],
  auditActionLabels: {
    'major.create': '添加专业目录',
    'exam.create': '新建考试',
    'exam.update': '修改考试基本信息',
    'exam.sessions': '设置考试时间',
    'exam.majors': '设置考试专业',
    'exam.publish': '发布考试',
    'exam.unpublish': '取消发布考试',
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
  },
} satisfies ConsoleFeature;
