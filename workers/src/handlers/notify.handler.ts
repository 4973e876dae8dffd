import { z } from 'zod';
import type { NotifyService } from '../../../api/src/modules/notifications/notify.service';
import type { TopicHandler } from '../task-client';

/**
 * 消息通知 (G5): the step's input mapping names the template (`notifyTemplate`); the case is the
 * registration (`registrationNo`, else the business key); `notifyParams`, a JSON object of strings,
 * fills placeholders the case does not supply.
 */
const variables = z.object({
  notifyTemplate: z.string().regex(/^[a-z0-9-]{1,64}$/),
  registrationNo: z.string().min(1).nullish(),
  notifyParams: z
    .string()
    .nullish()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/), z.union([z.string(), z.number()]).transform(String)).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'notifyParams must be a JSON object of strings' });
        return z.NEVER;
      }
    }),
});

export function notifyHandler(notifications: NotifyService): TopicHandler<typeof variables> {
  return {
    topic: 'notify',
    variables,
    async handle(task) {
      const caseKey = task.variables.registrationNo ?? task.businessKey;
      if (!caseKey) throw new Error('notify: the case has neither registrationNo nor a business key');
      await notifications.notify({
        templateCode: task.variables.notifyTemplate,
        caseKey,
        // Stable across redeliveries of this step; a new entry into the step (a loop) is a new event.
        eventKey: `${task.processInstanceId}:${task.activityInstanceId}`,
        params: task.variables.notifyParams,
      });
      return { kind: 'complete' };
    },
  };
}
