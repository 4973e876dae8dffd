import { deliveryStatusLabels, messageChannelLabels, type MessageView } from '../../../../api/src/contracts/notifications';

/** How a message reached the person, as the message centre tags it. */
export function messageChannelText(message: Pick<MessageView, 'channel' | 'status'>): string {
  if (message.status === 'sent' && message.channel) return `已通过${messageChannelLabels[message.channel]}发送`;
  return deliveryStatusLabels[message.status];
}
