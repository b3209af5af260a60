import nock from 'nock';
import { afterEach, beforeAll } from 'vitest';

// No test may reach the real network: only loopback (local Redis, local fakes) is allowed.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) {
    throw new Error(`nock interceptors were not used: ${pending.join(', ')}`);
  }
});
