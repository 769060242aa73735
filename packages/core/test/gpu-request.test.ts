import { describe, expect, test } from 'vitest';
import { gpuModelMatches, normalizeResourceRequest, parseGpuRequest } from '../src/index';

describe('parseGpuRequest', () => {
  test.each([
    ['2', { count: 2 }],
    ['H100', { count: 1, model: 'H100' }],
    ['H100:8', { count: 8, model: 'H100' }],
    ['a100-80gb:2', { count: 2, model: 'a100-80gb' }],
  ])('reads %s', (input, expected) => {
    expect(parseGpuRequest(input)).toEqual(expected);
  });

  test.each([
    '',
    '0',
    'H100:0',
    'H100:',
    ':8',
    'H100:two',
    'H100:8:1',
  ])('rejects "%s" with the accepted forms', (input) => {
    expect(() => parseGpuRequest(input)).toThrowError(/Invalid GPU request for --gpus/);
  });

  test('matches reported model names by word, case-insensitively', () => {
    expect(gpuModelMatches('NVIDIA H100 80GB HBM3', 'h100')).toBe(true);
    expect(gpuModelMatches('NVIDIA A100-SXM4-80GB', 'A100')).toBe(true);
    expect(gpuModelMatches('NVIDIA H100 80GB HBM3', 'A100')).toBe(false);
  });

  test('normalizes a resource request to base units', () => {
    expect(normalizeResourceRequest({ cpu: '500m', memory: '1Gi', gpu: 'L4:2' })).toEqual({
      cpu: 0.5,
      memoryBytes: 2 ** 30,
      gpu: { count: 2, model: 'L4' },
    });
    expect(normalizeResourceRequest({ gpu: 0 })).toEqual({});
    expect(() => normalizeResourceRequest({ memory: 'lots' })).toThrowError(/resources\.memory/);
  });
});
