import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `docker compose config` validates docker-compose.yml (schema, anchors, required variables) and
 * prints it resolved, without an engine. It runs where a Docker client with the compose plugin, or
 * the standalone docker-compose, is installed; elsewhere the test is skipped and says why.
 */

const run = promisify(execFile);

function composeCommand(): { cmd: string; args: string[] } | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0)
    return { cmd: 'docker', args: ['compose'] };
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0)
    return { cmd: 'docker-compose', args: [] };
  return undefined;
}

const compose = composeCommand();
const REQUIRED = {
  VERISAT_DOMAIN: 'survey.example.gov.sa',
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'a'.repeat(32),
  ANSWER_LINK_SECRET: 'b'.repeat(40),
  SECRETS_KEY: 'c'.repeat(64),
};

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  ports?: unknown[];
  depends_on?: Record<string, { condition: string }>;
}

async function config(env: Record<string, string>): Promise<{ services: Record<string, Service> }> {
  if (!compose) throw new Error('no compose');
  const { stdout } = await run(
    compose.cmd,
    [...compose.args, '-f', 'docker-compose.yml', 'config', '--format', 'json'],
    { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
  );
  return JSON.parse(stdout) as { services: Record<string, Service> };
}

describe.skipIf(!compose)(
  `docker-compose.yml${compose ? '' : ' (skipped: neither `docker compose` nor `docker-compose` is installed)'}`,
  () => {
    it('resolves, with two web and two worker processes, persistent Redis and a replica set', async () => {
      const { services } = await config(REQUIRED);
      for (const name of [
        'caddy',
        'web1',
        'web2',
        'worker1',
        'worker2',
        'redis',
        'mongo1',
        'mongo2',
        'mongo3',
      ])
        expect(services[name], name).toBeDefined();
      for (const name of ['web1', 'web2', 'worker1', 'worker2']) {
        const env = services[name]?.environment ?? {};
        expect(env.PUBLIC_BASE_URL).toBe(`https://${REQUIRED.VERISAT_DOMAIN}`);
        expect(env.MONGODB_URI).toMatch(/replicaSet=rs0/);
        expect(env.MONGODB_URI).toMatch(/w=majority/);
        expect(env.NODE_ENV).toBe('production');
        // Only the proxy is published: no web or worker port on the host.
        expect(services[name]?.ports ?? []).toEqual([]);
      }
      expect(services.web1?.environment?.RUN_WORKERS_IN_WEB).toBe('false');
      expect(services.worker1?.command).toContain('workers/main.ts');
      const redis = services.redis?.command?.join(' ') ?? '';
      expect(redis).toContain('--appendonly yes');
      expect(redis).toContain('--maxmemory-policy noeviction');
      expect(services.caddy?.environment?.VERISAT_DOMAIN).toBe(REQUIRED.VERISAT_DOMAIN);
      expect(services.web1?.depends_on?.['mongo-init']?.condition).toBe('service_completed_successfully');
    });

    it('refuses to resolve without the secrets a deployment must choose', async () => {
      const { VERISAT_DOMAIN, ...rest } = REQUIRED;
      await expect(config(rest)).rejects.toThrow(/VERISAT_DOMAIN/);
      expect(VERISAT_DOMAIN).toBeTruthy();
    });
  },
);
