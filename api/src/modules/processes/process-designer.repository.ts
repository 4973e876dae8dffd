import type { Db } from '../../db/knex';

export interface ProcessDeploymentRow {
  id: number;
  process_key: string;
  version: number;
  process_definition_id: string;
  deployment_id: string;
  deployed_by: string;
  comment: string;
  rolled_back_from: number | null;
  deployed_at: Date;
}

export interface ProcessDraftRow {
  process_key: string;
  saved_by: string;
  xml: string;
  saved_at: Date;
}

/** `process_deployments` (who deployed which version from the console) and `process_drafts`. */
export class ProcessDesignerRepository {
  constructor(private readonly db: Db) {}

  async recordDeployment(row: Omit<ProcessDeploymentRow, 'id' | 'deployed_at'>): Promise<void> {
    await this.db('process_deployments').insert(row);
  }

  /** Every console deployment of these process definitions, by definition id. */
  async deploymentsOf(definitionIds: string[]): Promise<Map<string, ProcessDeploymentRow>> {
    if (definitionIds.length === 0) return new Map();
    const rows = await this.db<ProcessDeploymentRow>('process_deployments').whereIn('process_definition_id', definitionIds);
    return new Map(rows.map((r) => [r.process_definition_id, r]));
  }

  async draft(processKey: string, savedBy: string): Promise<ProcessDraftRow | undefined> {
    return this.db<ProcessDraftRow>('process_drafts').where({ process_key: processKey, saved_by: savedBy }).first('process_key', 'saved_by', 'xml', 'saved_at');
  }

  /** One draft per designer per process: a save replaces the previous one. */
  async saveDraft(processKey: string, savedBy: string, xml: string): Promise<ProcessDraftRow> {
    const [row] = await this.db('process_drafts')
      .insert({ process_key: processKey, saved_by: savedBy, xml })
      .onConflict(['process_key', 'saved_by'])
      .merge({ xml, saved_at: this.db.fn.now() })
      .returning(['process_key', 'saved_by', 'xml', 'saved_at']);
    return row as ProcessDraftRow;
  }
}
