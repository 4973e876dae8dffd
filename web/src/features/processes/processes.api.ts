import { z } from 'zod';
import {
  modelDiff,
  processDeploymentResult,
  processDraftView,
  processModelSummary,
  processXmlView,
  validationResult,
  type ModelDiff,
  type ProcessDeploymentResult,
  type ProcessDraftView,
  type ProcessModelSummary,
  type ProcessXmlView,
  type ValidationResult,
} from '../../../../api/src/contracts/processes';
import { ApiRequestError, getJson, postJson, putJson } from '../../api/http';

const modelPath = (key: string) => `/api/processes/models/${encodeURIComponent(key)}`;

/** Deployed models with every version, its deployer and running-instance count. */
export function listProcessModels(): Promise<ProcessModelSummary[]> {
  return getJson('/api/processes/models', z.array(processModelSummary));
}

export function getProcessXml(key: string, version: number): Promise<ProcessXmlView> {
  return getJson(`${modelPath(key)}/versions/${version}/xml`, processXmlView);
}

/** My saved draft of the process, or null when there is none. */
export async function getProcessDraft(key: string): Promise<ProcessDraftView | null> {
  try {
    return await getJson(`${modelPath(key)}/draft`, processDraftView);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return null;
    throw error;
  }
}

export function saveProcessDraft(key: string, xml: string): Promise<ProcessDraftView> {
  return putJson(`${modelPath(key)}/draft`, { xml }, processDraftView);
}

export function validateProcess(xml: string): Promise<ValidationResult> {
  return postJson('/api/processes/validate', { xml }, validationResult);
}

export function diffProcess(xml: string): Promise<ModelDiff> {
  return postJson('/api/processes/diff', { xml }, modelDiff);
}

export function deployProcess(key: string, xml: string, comment: string): Promise<ProcessDeploymentResult> {
  return postJson(`${modelPath(key)}/versions`, { xml, comment }, processDeploymentResult);
}

export function rollbackProcess(key: string, version: number, comment: string): Promise<ProcessDeploymentResult> {
  return postJson(`${modelPath(key)}/versions/${version}/rollback`, { comment }, processDeploymentResult);
}
