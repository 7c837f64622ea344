import { inject } from 'vitest';
import { useSharedServers } from './system.js';

// Every test file reaches the servers started once by global-setup.ts.
useSharedServers(() => ({ redisUrl: inject('redisUrl'), mongoUrl: inject('mongoUrl') }));
