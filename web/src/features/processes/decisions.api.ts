import { z } from 'zod';
import {
  decisionDeploymentResult,
  decisionSummary,
  decisionValidation,
  decisionXmlView,
  type DecisionDeploymentResult,
  type DecisionSummary,
  type DecisionValidation,
  type DecisionXmlView,
} from '../../../../api/src/contracts/decisions';
import { getJson, postJson } from '../../api/http';

/** Deployed decisions with their versions (newest first). */
export function listDecisions(): Promise<DecisionSummary[]> {
  return getJson('/api/decisions', z.array(decisionSummary));
}

/** The DMN XML of one deployed decision version. */
export function getDecisionXml(decisionDefinitionId: string): Promise<DecisionXmlView> {
  return getJson(`/api/decisions/definitions/${encodeURIComponent(decisionDefinitionId)}/xml`, decisionXmlView);
}

export function validateDecision(key: string, xml: string): Promise<DecisionValidation> {
  return postJson(`/api/decisions/${encodeURIComponent(key)}/validate`, { xml }, decisionValidation);
}

export function deployDecision(key: string, xml: string, comment: string): Promise<DecisionDeploymentResult> {
  return postJson(`/api/decisions/${encodeURIComponent(key)}/versions`, { xml, comment }, decisionDeploymentResult);
}
