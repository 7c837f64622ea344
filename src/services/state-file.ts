import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Embedded services listen on free ports chosen at start-up; the running system writes them here so
 * command-line tools (create a token, a user) reach the same databases.
 */
export interface ServicesState {
  pid: number;
  redisUrl: string;
  mongoUri: string;
  webUrl?: string;
  /** PUBLIC_BASE_URL of that system: what a tool signing webhooks for it must sign over. */
  publicUrl?: string;
}

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, 'services.json');
}

export function writeServicesState(dataDir: string, state: ServicesState): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stateFilePath(dataDir), JSON.stringify(state, null, 2));
}

export function readServicesState(dataDir: string): ServicesState | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFilePath(dataDir), 'utf8')) as ServicesState;
    process.kill(state.pid, 0); // throws when that system is no longer running
    return state;
  } catch {
    return undefined;
  }
}

export function removeServicesState(dataDir: string): void {
  rmSync(stateFilePath(dataDir), { force: true });
}
