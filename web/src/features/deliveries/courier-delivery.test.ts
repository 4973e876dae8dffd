import { describe, expect, it } from 'vitest';
import type { DeliveryView } from '../../../../api/src/contracts/deliveries';
import { currentDelivery, deliveryRequest, emptyDeliveryForm, failedDelivery } from './courier-delivery';

const form = { recipientName: '李收件', recipientPhone: '13912345678', district: '徐汇区', address: '漕溪北路100号3楼301室' };

function delivery(id: string, status: DeliveryView['status'], documentKind: DeliveryView['documentKind'] = 'registration-receipt'): DeliveryView {
  return {
    id,
    businessKey: 'BM2026010001',
    documentKind,
    documentLabel: '报名回执（纸质）',
    recipientName: '李收件',
    recipientPhoneMasked: '139****5678',
    district: '徐汇区',
    address: '漕溪北路100号',
    status,
    statusLabel: status,
    waybillNo: null,
    failureReason: null,
    events: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('courier delivery form (G6)', () => {
  it('G6 builds the request from a valid Shanghai address, trimmed', () => {
    const built = deliveryRequest({ ...form, address: `  ${form.address} ` }, 'BM2026010001', 'registration-receipt');
    expect(built).toEqual({ request: { ...form, businessKey: 'BM2026010001', documentKind: 'registration-receipt' } });
  });

  it('G6 shows the contract\'s Chinese message on each field at fault', () => {
    const built = deliveryRequest({ recipientName: '李', recipientPhone: '139', district: '南京市', address: '短' }, 'BM2026010001', 'registration-receipt');
    expect(built).toEqual({
      errors: {
        recipientName: '收件人姓名至少2个字',
        recipientPhone: '收件人手机号码应为11位中国大陆手机号',
        district: '请选择收件地址所在区',
        address: '详细地址至少5个字（街道、门牌号、楼层房间）',
      },
    });
    expect(emptyDeliveryForm('张三')).toEqual({ recipientName: '张三', recipientPhone: '', district: '', address: '' });
  });

  it('G6 a failed delivery leaves room for a new one; one under way is the current one', () => {
    const failed = delivery('a', 'failed');
    const underway = delivery('b', 'in-transit');
    expect(currentDelivery([failed], 'registration-receipt')).toBeUndefined();
    expect(failedDelivery([failed], 'registration-receipt')).toBe(failed);
    expect(currentDelivery([underway, failed], 'registration-receipt')).toBe(underway);
    expect(failedDelivery([underway, failed], 'registration-receipt')).toBeUndefined();
    expect(currentDelivery([underway], 'certificate')).toBeUndefined();
  });
});
