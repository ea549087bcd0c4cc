import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger, RateLimitedLogger, setLogSink, type LogLevel } from './log.js';

test('a rate-limited logger passes a burst, then reports how many it suppressed', () => {
  const lines: string[] = [];
  setLogSink((_l: LogLevel, src, m) => lines.push(`${src}: ${m}`), 'debug');
  let now = 0;
  const r = new RateLimitedLogger(new Logger('pl011'), 2, 1000, () => now);
  for (let i = 0; i < 5; i++) r.log('warn', `bad access ${i}`);
  assert.deepEqual(lines, ['pl011: bad access 0', 'pl011: bad access 1']);
  now = 1000;
  r.log('warn', 'bad access 5');
  assert.equal(lines[2], 'pl011: bad access 5 (3 similar messages suppressed)');
});

test('messages below the sink level are dropped', () => {
  const lines: string[] = [];
  setLogSink((_l, _s, m) => lines.push(m), 'warn');
  new Logger('x').info('hidden');
  new Logger('x').error('shown');
  assert.deepEqual(lines, ['shown']);
});
