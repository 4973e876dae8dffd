import { describe, expect, it } from 'vitest';
import { messageChannelText } from './message-centre';

describe('message centre labels (G5)', () => {
  it('G5 names the channel of a sent message and the state of one that was not', () => {
    expect(messageChannelText({ status: 'sent', channel: 'suishenban' })).toBe('已通过随申办推送发送');
    expect(messageChannelText({ status: 'sent', channel: 'sms' })).toBe('已通过短信发送');
    expect(messageChannelText({ status: 'centre-only', channel: null })).toBe('仅站内消息');
    expect(messageChannelText({ status: 'pending', channel: null })).toBe('发送中');
    expect(messageChannelText({ status: 'unconfirmed', channel: 'sms' })).toBe('短信发送结果未知');
  });
});
