import { expect, it } from 'vitest';
import { LogDecoder } from '../src/index';

it('keeps a character split between reads whole and counts bytes per stream', () => {
  const decoder = new LogDecoder();
  const euro = Buffer.from('€', 'utf8'); // three bytes
  expect(
    decoder.decode({ stream: 'stdout', bytes: Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]) }),
  ).toEqual({ stream: 'stdout', text: 'a' });
  expect(decoder.decode({ stream: 'stderr', bytes: Buffer.from('err') })).toEqual({
    stream: 'stderr',
    text: 'err',
  });
  expect(decoder.decode({ stream: 'stdout', bytes: euro.subarray(2) })).toEqual({
    stream: 'stdout',
    text: '€',
  });
  expect(decoder.offsets).toEqual({ stdout: 4, stderr: 3 });
  expect([...decoder.flush()]).toEqual([]);
});

it('returns nothing for a lone start of a character and flushes it as a replacement character', () => {
  const decoder = new LogDecoder();
  expect(decoder.decode({ stream: 'stderr', bytes: Buffer.from([0xe2, 0x82]) })).toBeUndefined();
  expect(decoder.offsets).toEqual({ stdout: 0, stderr: 2 });
  expect([...decoder.flush()]).toEqual([{ stream: 'stderr', text: '\uFFFD' }]);
});
