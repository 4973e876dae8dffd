import { expect } from 'vitest';
import type supertest from 'supertest';

export interface ObjectRequest {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: object;
}

/**
 * Proves that `intruder` reaches none of another user's objects (IDOR): every request answers 403
 * or 404 (never the object, never a 2xx). Every module uses it for its own resources.
 */
export async function expectNoAccess(intruder: supertest.Agent, requests: ObjectRequest[]): Promise<void> {
  for (const r of requests) {
    const call = intruder[r.method](r.path);
    const res = await (r.body ? call.send(r.body) : call);
    expect([403, 404], `${r.method.toUpperCase()} ${r.path} answered ${res.status}`).toContain(res.status);
  }
}
