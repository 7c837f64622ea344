import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, get, login, PASSWORD } from '../reports/helpers.js';

// Issue 23, finding 8: the command-line tools follow the rules the web follows.
const run = promisify(execFile);
// Each run starts Node with tsx (seconds on a shared machine), and a test makes several.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
  await createStaff(sys);
  const admin = await sys.token('admin');
  await sys.api('/api/admin/agencies', {
    token: admin,
    body: { code: 'MOH', name: { ar: 'وزارة الصحة', en: 'MOH' }, channels: ['sms'] },
  });
});
afterAll(async () => {
  await sys?.stop();
});

/** Runs a script as an operator does, the password (if any) on standard input. */
async function cli(
  script: 'create-user' | 'create-token',
  args: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const uri = `${inject('mongoUrl').replace(/\/?$/, '/')}${sys.dbName}`;
  const child = run('node', ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    env: { ...process.env, MONGODB_URI: uri, NODE_ENV: 'test' },
  });
  child.child.stdin?.end(stdin);
  return child.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({
      code: err.code ?? -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }),
  );
}

describe('npm run user', () => {
  it('refuses a breached password, as the web does, and creates nothing', async () => {
    const out = await cli('create-user', ['--username', 'weak.one', '--role', 'auditor'], 'password1234\n');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('most common passwords');
    expect(await sys.ctx.models.User.countDocuments({ username: 'weak.one' })).toBe(0);
    const reset = await cli('create-user', ['--username', 'auditor', '--reset-password'], 'password1234\n');
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain('most common passwords');
    expect((await get(sys, '/account', await login(sys, 'auditor'))).status).toBe(200);
  });

  it('ends every session of the user on --reset-password; only the new password signs in', async () => {
    const cookie = await login(sys, 'momah.manager');
    expect((await get(sys, '/account', cookie)).status).toBe(200);
    const next = 'a new and unusual passphrase 77';
    const out = await cli('create-user', ['--username', 'momah.manager', '--reset-password'], `${next}\n`);
    expect(out.code, out.stderr).toBe(0);
    expect((await get(sys, '/account', cookie)).status).toBe(303);
    await expect(login(sys, 'momah.manager', PASSWORD)).rejects.toThrow(/401/);
    expect((await get(sys, '/account', await login(sys, 'momah.manager', next))).status).toBe(200);
  });
});

describe('npm run token', () => {
  it('refuses an admin or auditor token with a scope instead of minting a global one', async () => {
    for (const role of ['admin', 'auditor']) {
      const out = await cli('create-token', ['--name', `scoped ${role}`, '--role', role, '--agency', 'MOH']);
      expect(out.code, role).toBe(1);
      expect(out.stderr, role).toMatch(/admins and auditors see every agency/);
    }
    expect(await sys.ctx.models.ApiToken.countDocuments({ name: /^scoped/ })).toBe(0);
  });

  it('refuses what the web refuses: an unscoped manager, an unknown agency, a bad or reserved name', async () => {
    for (const [args, said] of [
      [['--name', 'm', '--role', 'manager'], /--agency: a manager needs an agency/],
      [['--name', 'm', '--role', 'manager', '--agency', 'NOPE'], /--agency: no agency NOPE/],
      [['--name', 'development', '--role', 'ticket_system'], /--name: .*reserved/],
      [['--name', 'bad\u202Ename', '--role', 'ticket_system'], /--name: .*direction-changing/],
    ] as const) {
      const out = await cli('create-token', [...args]);
      expect(out.code, args.join(' ')).toBe(1);
      expect(out.stderr, args.join(' ')).toMatch(said);
    }
    const ok = await cli('create-token', [
      '--name',
      'moh tickets',
      '--role',
      'ticket_system',
      '--agency',
      'MOH',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/vst_/);
  });
});
