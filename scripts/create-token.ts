/**
 * Creates an API token and prints it once. Usage:
 *   npm run token -- --name "ticket system" [--role ticket_system|admin|auditor|manager] [--agency X] [--department Y]
 * Reaches MONGODB_URI, or the embedded database of a running `npm start`, or starts that database itself.
 */
import { parseArgs } from 'node:util';
import { createApiToken } from '../src/auth/api-tokens.js';
import { loadConfig } from '../src/config.js';
import { ROLES, type Role } from '../src/db/models/access.js';
import { openCliDatabase } from '../src/services/cli-database.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    role: { type: 'string', default: 'ticket_system' },
    agency: { type: 'string' },
    department: { type: 'string' },
  },
});

async function main(): Promise<void> {
  if (!values.name) throw new Error('--name is required (who will use this token?)');
  if (!(ROLES as readonly string[]).includes(values.role))
    throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    const scope = {
      ...(values.agency ? { agency: values.agency } : {}),
      ...(values.department ? { department: values.department } : {}),
    };
    const { token } = await createApiToken(db.models, {
      name: values.name,
      role: values.role as Role,
      scope,
    });
    console.log(
      `Created API token "${values.name}" (role ${values.role}). It is shown only now:\n\n  ${token}\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
