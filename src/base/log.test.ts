import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger, RateLimitedLog, setLogSink } from './log.js';

test('a rate-limited log prints each kind of message a few times, then at powers of two with a count', () => {
  const lines: string[] = [];
  const r = new RateLimitedLog(l => lines.push(l), 2);
  for (let i = 1; i <= 9; i++) r.warn('hole', `bad access ${i}`);
  r.warn('other', 'different kind');
  assert.deepEqual(lines, ['bad access 1', 'bad access 2', 'bad access 4 (seen 4 times)', 'bad access 8 (seen 8 times)', 'different kind']);
  assert.equal(r.count('hole'), 9);
});

test('messages below the sink level are dropped', () => {
  const lines: string[] = [];
  setLogSink((_l, _s, m) => lines.push(m), 'warn');
  new Logger('x').info('hidden');
  new Logger('x').error('shown');
  assert.deepEqual(lines, ['shown']);
});
