import { seedEachTest } from './fast-check.js';

// A setup file of both vitest projects: run again before every test file, so each file's tests are
// seeded and name their seed on failure, even when the unit project shares modules between files.
seedEachTest();
