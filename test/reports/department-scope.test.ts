import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser } from '../../src/auth/users.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 17, finding 3: a department scope lives inside one agency. Two agencies here both have a
// department called "complaints".
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
  const closedAt = new Date('2025-03-10T09:00:00Z');
  await sys.ctx.models.VerifiedScore.insertMany(
    ['MOH', 'HRSD'].flatMap((agency) =>
      Array.from({ length: 3 }, (_, i) => ({
        ticketRef: `${agency}-${i}`,
        closureNumber: 1,
        agency,
        department: 'complaints',
        agentId: `${agency}-agent`,
        closedAt,
        day: '2025-03-10',
        sent: true,
        delivered: true,
        solved: agency === 'MOH',
      })),
    ),
  );
  await rebuildDailySums(sys.ctx.models);
});
afterAll(async () => {
  await sys.stop();
});

const range = 'from=2025-03-01&to=2025-03-31';

describe('department-scoped managers', () => {
  it("see only their own agency's department, in the summary and in exports", async () => {
    const token = await sys.token('manager', { agency: 'MOH', department: 'complaints' });
    const summary = await sys.api(`/api/reports/summary?${range}&groupBy=agency`, { token });
    expect(summary.status).toBe(200);
    const body = (await summary.json()) as { groups: { agency?: string }[]; overall: { closures: number } };
    expect(body.groups.map((g) => g.agency)).toEqual(['MOH']);
    expect(body.overall.closures).toBe(3);
    expect((await sys.api(`/api/reports/summary?${range}&agency=HRSD`, { token })).status).toBe(403);

    const exported = await sys.api(`/api/exports/scores.json?${range}`, { token });
    expect(exported.status).toBe(200);
    const text = await exported.text();
    expect(text).toContain('MOH-0');
    expect(text).not.toContain('HRSD');
  });

  it('without an agency are refused, and cannot be created any more', async () => {
    // A department-only scope stored before the rule (as the probe found it).
    const { token } = await createApiToken(sys.ctx.models, {
      name: 'm',
      role: 'manager',
      scope: { agency: 'MOH' },
    });
    await sys.ctx.models.ApiToken.updateOne(
      { prefix: token.slice(0, 10) },
      { $set: { scope: { department: 'complaints' } } },
    );
    for (const path of [
      `/api/reports/summary?${range}&agency=HRSD`,
      `/api/reports/summary?${range}`,
      `/api/exports/scores.json?${range}`,
    ]) {
      const res = await sys.api(path, { token });
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).not.toContain('HRSD-');
    }
    await expect(
      createApiToken(sys.ctx.models, { name: 'n', role: 'manager', scope: { department: 'complaints' } }),
    ).rejects.toThrow(/needs its agency/);
    await expect(
      createUser(sys.ctx.models, {
        username: 'dept.only',
        password: 'a long enough password 1',
        role: 'manager',
        department: 'complaints',
      }),
    ).rejects.toThrow(/needs its agency/);
  });

  it("cannot tell another agency's agents and departments from codes that do not exist (finding 8)", async () => {
    await sys.ctx.models.VerifiedScore.create({
      ticketRef: 'HRSD-benefits',
      closureNumber: 1,
      agency: 'HRSD',
      department: 'benefits',
      agentId: 'HRSD-benefits-agent',
      closedAt: new Date('2025-03-10T09:00:00Z'),
      day: '2025-03-10',
    });
    const token = await sys.token('manager', { agency: 'MOH' });
    const answer = async (query: string) => {
      const res = await sys.api(`/api/reports/summary?${range}&${query}`, { token });
      const body = (await res.json()) as { error?: string; message?: string };
      return { status: res.status, error: body.error, message: body.message?.replace(/"[^"]*"/, '"…"') };
    };
    const missing = await answer('agent=nobody-at-all');
    expect(missing.status).toBe(400);
    expect(await answer('agent=HRSD-agent')).toEqual(missing);
    const missingDepartment = await answer('department=no-such-department');
    expect(missingDepartment.status).toBe(400);
    expect(await answer('department=benefits')).toEqual(missingDepartment);
    expect((await answer('agent=MOH-agent')).status).toBe(200);
    expect((await answer('department=complaints')).status).toBe(200);
  });
});
