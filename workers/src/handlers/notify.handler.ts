import type { z } from 'zod';
import type { NotifyService } from '../../../api/src/modules/notifications/notify.service';
import { notifyTopic as topic } from '../../../api/src/contracts/flows/notify-topic';
import type { TopicHandler } from '../task-client';

/** 消息通知 (G5): the template the step names, sent to the person the case concerns. */
export function notifyHandler(notifications: NotifyService): TopicHandler<typeof topic.input, z.infer<typeof topic.output>> {
  return {
    topic: 'notify',
    variables: topic.input,
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
