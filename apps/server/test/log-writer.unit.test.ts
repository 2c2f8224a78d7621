import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineWriter } from '../src/http/log-writer.js';

describe('log line writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iqra-log-'));
  const path = join(dir, 'out.log');
  let fd: number | undefined;
  afterEach(() => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(path, { force: true });
  });

  // Issue 12: a write(2) per request line was the largest cost of logging at info.
  it('writes the lines of one event-loop turn together, after the turn', async () => {
    fd = openSync(path, 'w');
    const writer = new LineWriter(fd);
    writer.write('a\n');
    writer.write('b\n');
    expect(readFileSync(path, 'utf8')).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
  });

  it('flushSync writes what is pending at once (the process exit path)', () => {
    fd = openSync(path, 'w');
    const writer = new LineWriter(fd);
    writer.write('last words\n');
    writer.flushSync();
    expect(readFileSync(path, 'utf8')).toBe('last words\n');
  });

  it('a long turn does not pile up memory: past 64 KiB the lines go out at once', () => {
    fd = openSync(path, 'w');
    const writer = new LineWriter(fd);
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 1_000; i++) writer.write(line);
    expect(readFileSync(path, 'utf8').length).toBeGreaterThanOrEqual(64 * 1024);
    writer.flushSync();
    expect(readFileSync(path, 'utf8')).toBe(line.repeat(1_000));
  });

  it('an output that cannot be written stops logging instead of failing the caller', () => {
    const writer = new LineWriter(-1);
    expect(() => {
      writer.write('lost\n');
      writer.flushSync();
      writer.write('ignored\n');
      writer.flushSync();
    }).not.toThrow();
  });
});
