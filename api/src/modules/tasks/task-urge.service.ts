import { ROLE_ENGINE_GROUPS, type DataScope } from '../../auth/data-scope';
import type { UserRepository } from '../../auth/user.repository';
import type { CurrentUser } from '../../contracts/auth';
import type { Db } from '../../db/knex';
import type { EngineClient, EngineTask } from '../../engine/engine-client';
import { conflict, notFound } from '../../http/errors';
import type { StaffNoticeService } from '../notifications/staff-notice.service';
import type { InboxRepository } from './inbox.repository';

/** The same person urges the same task at most once in this many minutes. */
export const URGE_INTERVAL_MINUTES = 10;
/** The message-centre template of an urge (migration 20261128_30). */
export const TASK_URGED_TEMPLATE = 'task-urged';
const MINUTE_MS = 60_000;

const messages = {
  tooSoon: (minutes: number) => `您已催办过该待办，同一待办${URGE_INTERVAL_MINUTES}分钟内只能催办一次，请${minutes}分钟后再试`,
  taskGone: '该待办已被处理或不存在',
  noNote: '请尽快办理',
};

/** The console inbox where the task's group works it: exam admins have their own, reviewers 资格审核待办. */
const inboxOf = (groups: readonly string[]): string => (groups.includes(ROLE_ENGINE_GROUPS['exam-admin']!) ? '/exam-admin/inbox' : '/inbox/review');

/** Whole minutes (at least one) until the person may urge the task again. */
const minutesUntilNext = (last: Date): number => Math.max(1, Math.ceil((last.getTime() + URGE_INTERVAL_MINUTES * MINUTE_MS - Date.now()) / MINUTE_MS));

/**
 * 催办 (U6) that reaches the person: the urge is recorded and, in the same transaction, a message
 * goes to the message centre of the assignee — or, for an unclaimed task, of every enabled reviewer
 * of its groups — never to the urger, never by SMS. One urge per person and task per interval.
 */
export class TaskUrgeService {
  constructor(
    private readonly db: Db,
    private readonly engine: EngineClient,
    private readonly repo: InboxRepository,
    private readonly scope: DataScope,
    private readonly users: UserRepository,
    private readonly notices: StaffNoticeService,
  ) {}

  /** `task` and `groups` as the caller's access check found them; `step` names the task for people. */
  async urge(user: CurrentUser, task: EngineTask, groups: string[], step: string, note: string | undefined): Promise<{ notified: string }> {
    const notified = task.assignee ?? groups.join(',');
    const recipients = (await this.recipients(task, groups)).filter((r) => r.username !== user.username);
    const registrationNo = (await this.engine.processInstance(task.processInstanceId)).businessKey;
    if (!registrationNo) throw notFound(messages.taskGone);
    await this.db.transaction(async (trx) => {
      // A second urge by the same person waits here for the first to commit, then sees it.
      await this.repo.lockUrges(trx, task.id, user.username);
      const last = await this.repo.recentUrge(trx, task.id, user.username, URGE_INTERVAL_MINUTES);
      if (last) throw conflict('URGE_TOO_SOON', messages.tooSoon(minutesUntilNext(last)));
      const urgeId = await this.repo.addUrge(trx, task.id, task.processInstanceId, user.username, notified, note || null);
      await this.notices.send(trx, {
        templateCode: TASK_URGED_TEMPLATE,
        eventKey: `task-urge:${urgeId}`,
        caseKey: task.id,
        link: `${inboxOf(groups)}?q=${encodeURIComponent(registrationNo)}`,
        params: { registrationNo, step, urger: user.displayName, note: note || messages.noNote },
        userIds: recipients.map((r) => r.id),
      });
    });
    return { notified };
  }

  /** The assignee, or the group's members (role seals checked) while nobody has claimed the task. */
  private async recipients(task: EngineTask, groups: string[]): Promise<Array<{ id: number; username: string }>> {
    if (task.assignee) {
      const row = await this.users.findByUsername(task.assignee);
      return row?.enabled ? [{ id: row.id, username: row.username }] : [];
    }
    const members: Array<{ id: number; username: string }> = [];
    for (const member of await this.scope.groupMembers(groups)) {
      if (members.some((m) => m.id === member.id)) continue;
      if ((await this.users.rolesAndPermissions(member.id)).roles.includes(member.role)) members.push({ id: member.id, username: member.username });
    }
    return members;
  }
}
