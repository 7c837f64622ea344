/**
 * Creates an API token and prints it once. Usage:
 *   npm run token -- --name "ticket system" [--role ticket_system|admin|auditor|manager] [--agency X] [--department Y]
 * The administration's rules apply (src/auth/names.ts, grants.ts): a name without control or bidi
 * characters and not reserved, a scope the role may have (admins and auditors: none), an agency and
 * department that exist.
 * Reaches MONGODB_URI, or the embedded database of a running `npm start`, or starts that database itself.
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { createApiToken } from '../src/auth/api-tokens.js';
import { grantProblem } from '../src/auth/grants.js';
import { tokenNameSchema } from '../src/auth/names.js';
import { loadConfig } from '../src/config/index.js';
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
  const name = tokenNameSchema.parse(values.name);
  const role = values.role as Role;
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    const problem = await grantProblem(db.models, role, values.agency, values.department);
    if (problem) throw new Error(`--${problem.field}: ${problem.message}`);
    const scope = {
      ...(values.agency ? { agency: values.agency } : {}),
      ...(values.department ? { department: values.department } : {}),
    };
    const { token } = await createApiToken(db.models, { name, role, scope });
    console.log(`Created API token "${name}" (role ${role}). It is shown only now:\n\n  ${token}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ZodError) console.error(`--name: ${err.issues.map((i) => i.message).join('; ')}`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
