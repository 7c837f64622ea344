/**
 * Creates a dashboard user, or sets a new password. Usage:
 *   npx tsx scripts/create-user.ts --username sara --role manager --agency MOMAH [--department roads]
 *   npx tsx scripts/create-user.ts --username audit1 --role auditor
 *   npx tsx scripts/create-user.ts --username admin --role admin --reset-password
 * The password is read from standard input (typed, or piped: `echo "$PW" | npx tsx ...`) so it never
 * appears in the shell history or the process list. API tokens for machine clients: npm run token.
 * The web's rules apply (src/auth/users.ts, grants.ts): the password policy, the scope a role may
 * have and that its agency exists; a new password ends every session the user had open.
 * Reaches MONGODB_URI, or the embedded database of a running `npm start`, or starts that database.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { grantProblem } from '../src/auth/grants.js';
import { createUser, newUserSchema, setPassword, USER_ROLES, type UserRole } from '../src/auth/users.js';
import { loadConfig } from '../src/config/index.js';
import { openCliDatabase } from '../src/services/cli-database.js';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    agency: { type: 'string' },
    department: { type: 'string' },
    'reset-password': { type: 'boolean', default: false },
  },
});

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY)
    process.stderr.write('Password (at least 12 characters, input is not hidden; prefer piping it): ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function main(): Promise<void> {
  if (!values.username) throw new Error('--username is required');
  const reset = values['reset-password'];
  if (!reset && !(USER_ROLES as readonly string[]).includes(values.role ?? '')) {
    throw new Error(`--role must be one of ${USER_ROLES.join(', ')}`);
  }
  const password = await readPassword();
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    await db.models.User.init();
    if (reset) {
      if (!(await setPassword(db.models, values.username, password)))
        throw new Error(`no user named ${values.username}`);
      console.log(`Password of ${values.username} changed; every session they had open has ended.`);
      return;
    }
    const input = newUserSchema.parse({
      username: values.username,
      password,
      role: values.role as UserRole,
      ...(values.agency ? { agency: values.agency } : {}),
      ...(values.department ? { department: values.department } : {}),
    });
    const problem = await grantProblem(db.models, input.role, input.agency, input.department);
    if (problem) throw new Error(`--${problem.field}: ${problem.message}`);
    const user = await createUser(db.models, input);
    const scope = [values.agency, values.department].filter(Boolean).join(' / ');
    console.log(`Created ${values.role} ${user.username}${scope ? ` (scope ${scope})` : ''}.`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ZodError)
    console.error(err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n'));
  else if (err instanceof Error && /E11000/.test(err.message))
    console.error(
      `A user named ${values.username} already exists (use --reset-password to change the password).`,
    );
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
