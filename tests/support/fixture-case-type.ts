import type { CurrentUser } from '../../api/src/contracts/auth';
import type { Db } from '../../api/src/db/knex';
import { notFound } from '../../api/src/http/errors';
import type { CaseDetails, CaseMatches, CaseOfInstance, CaseType } from '../../api/src/modules/cases/case-type';
import type { Knex } from 'knex';
import type { Bill, PayableCase, PaymentEvent } from '../../api/src/modules/payments/payable-case';
import { lineModel } from './bpmn-models';

/**
 * A flow that exists only in the tests: 许可申请 (a permit application) with one staff step. It
 * proves that a new case type reaches the inbox and the case view through the registry alone,
 * without a line in the tasks or cases modules. Its cases live in a table of its own.
 */
export interface FixturePermitSummary {
  kind: 'fixture-permit';
  businessKey: string;
  title: string;
  applicant: string;
}

declare module '../../api/src/contracts/case-summaries' {
  interface CaseSummaryKinds {
    'fixture-permit': FixturePermitSummary;
  }
}

export const FIXTURE_PROCESS = 'fixture-permit';
export const FIXTURE_STEP = 'Task_PermitReview';
const TABLE = 'fixture_permits';

/** The flow: start → 许可审查 (by the group) → end. */
export const fixtureModel = (group: string): string =>
  lineModel(FIXTURE_PROCESS, [{ id: FIXTURE_STEP, name: '许可审查', attrs: `camunda:candidateGroups="${group}"` }]);

export async function createFixtureTable(db: Db): Promise<void> {
  await db.raw(
    `create table if not exists ${TABLE} (permit_no text primary key, applicant text not null, owner_user_id integer, process_instance_id text unique,
       fee_status text not null default 'payable', events jsonb not null default '[]')`,
  );
}

/** The permit's fee (许可费, 50 yuan): the payments module takes it through PayableCase, as it takes exam fees. */
export class FixturePermitFees implements PayableCase {
  readonly caseType = FIXTURE_PROCESS;
  readonly paidMessage = 'fixture-permit-paid';

  constructor(private readonly db: Db) {}

  async bill(permitNo: string): Promise<Bill | null> {
    const row = await this.db(TABLE).where({ permit_no: permitNo }).first<{ applicant: string; fee_status: Bill['state'] } | undefined>();
    if (!row) return null;
    return {
      amountFen: 5000,
      subject: '许可申请费（测试）',
      deadline: new Date(Date.now() + 24 * 3600 * 1000),
      state: row.fee_status,
      payerName: row.applicant,
      receiptItems: [{ code: 'permitfee', name: '许可申请费', quantity: 1, unitPriceFen: 5000, amountFen: 5000 }],
      returnPath: `/fixture/permits/${permitNo}`,
    };
  }

  async markPaid(trx: Knex.Transaction, permitNo: string): Promise<boolean> {
    return (await trx(TABLE).where({ permit_no: permitNo, fee_status: 'payable' }).update({ fee_status: 'paid' })) > 0;
  }

  async markExpired(trx: Knex.Transaction, permitNo: string): Promise<boolean> {
    return (await trx(TABLE).where({ permit_no: permitNo, fee_status: 'payable' }).update({ fee_status: 'closed' })) > 0;
  }

  async record(q: Db | Knex.Transaction, permitNo: string, event: PaymentEvent): Promise<void> {
    await q(TABLE)
      .where({ permit_no: permitNo })
      .whereRaw(`not events @> ?::jsonb`, [JSON.stringify([{ idempotencyKey: event.idempotencyKey }])])
      .update({ events: q.raw(`events || ?::jsonb`, [JSON.stringify([event])]) });
  }
}

export class FixturePermitCaseType implements CaseType {
  readonly kind = 'fixture-permit' as const;
  readonly label = '许可申请（测试）';
  readonly processKeys = [FIXTURE_PROCESS];
  readonly stepNames = { [FIXTURE_STEP]: '许可审查' };

  constructor(private readonly db: Db) {}

  async add(permitNo: string, applicant: string, processInstanceId: string, ownerUserId: number | null = null): Promise<void> {
    await this.db(TABLE).insert({ permit_no: permitNo, applicant, owner_user_id: ownerUserId, process_instance_id: processInstanceId });
  }

  async casesOfInstances(ids: string[]): Promise<Map<string, CaseOfInstance>> {
    const rows: Array<{ permit_no: string; applicant: string; process_instance_id: string }> = await this.db(TABLE).whereRaw('process_instance_id = any(?)', [ids]);
    return new Map(
      rows.map((r) => [
        r.process_instance_id,
        { businessKey: r.permit_no, processInstanceId: r.process_instance_id, summary: { kind: 'fixture-permit', businessKey: r.permit_no, title: `${r.applicant} · 许可申请`, applicant: r.applicant } },
      ]),
    );
  }

  async search(text: string, limit: number): Promise<CaseMatches> {
    const rows: Array<{ permit_no: string; process_instance_id: string }> = await this.db(TABLE).where({ permit_no: text }).orWhere('applicant', text).limit(limit);
    return { businessKeys: rows.map((r) => r.permit_no), processInstanceIds: rows.map((r) => r.process_instance_id) };
  }

  async details(user: CurrentUser, businessKey: string): Promise<CaseDetails | null> {
    const row = await this.db(TABLE).where({ permit_no: businessKey }).first<{ applicant: string; owner_user_id: number | null } | undefined>();
    if (!row) return null;
    if (row.owner_user_id !== user.id && !user.permissions.includes('exam:manage')) throw notFound('该案件不存在');
    return {
      title: `许可申请 ${businessKey}`,
      statusLabel: '审查中',
      ownerUserId: row.owner_user_id,
      events: [{ at: new Date(), kind: 'submitted', title: '提交许可申请', detail: row.applicant, actor: row.applicant, failed: false }],
      documents: [],
    };
  }

  async staffMayRead(user: CurrentUser, businessKey: string): Promise<boolean> {
    return user.permissions.includes('exam:manage') && !!(await this.db(TABLE).where({ permit_no: businessKey }).first('permit_no'));
  }
}
