import { describe, expect, it } from 'vitest';
import { parseRocmSmiGpus } from '../src/rocm-smi-gpus';

// rocm-smi --showproductname --showmeminfo vram --json on a host with an APU and two Instinct cards:
// one object per card (`cardN`, rocm-smi's device index) plus a `system` entry, every value a string.
const apuAndInstinct = JSON.stringify({
  card0: {
    'Card Series': 'AMD Radeon Graphics',
    'Card Model': '0x164e',
    'Card Vendor': 'Advanced Micro Devices, Inc. [AMD/ATI]',
    'Card SKU': 'RAPHAEL',
    'VRAM Total Memory (B)': '536870912',
    'VRAM Total Used Memory (B)': '98304000',
  },
  card1: {
    'Card series': 'AMD Instinct MI300X',
    'Card model': '0x74a1',
    'Card vendor': 'Advanced Micro Devices, Inc. [AMD/ATI]',
    'Card SKU': 'M3000100',
    'VRAM Total Memory (B)': '205822885888',
    'VRAM Total Used Memory (B)': '294215680',
  },
  card10: {
    'Card series': 'AMD Instinct MI300X',
    'VRAM Total Memory (B)': '205822885888',
  },
  system: { 'Driver version': '6.7.0' },
});

describe('parseRocmSmiGpus', () => {
  it('lists the compute cards with amd: ids in device order, leaving out the integrated GPU and the system entry', () => {
    expect(parseRocmSmiGpus(apuAndInstinct)).toEqual([
      { id: 'amd:1', model: 'AMD Instinct MI300X', memoryBytes: 205822885888 },
      { id: 'amd:10', model: 'AMD Instinct MI300X', memoryBytes: 205822885888 },
    ]);
  });

  it('keeps a discrete Radeon card, which has VRAM of its own', () => {
    const output = JSON.stringify({
      card0: { 'Card series': 'Radeon RX 7900 XTX', 'VRAM Total Memory (B)': '25753026560' },
    });
    expect(parseRocmSmiGpus(output)).toEqual([
      { id: 'amd:0', model: 'Radeon RX 7900 XTX', memoryBytes: 25753026560 },
    ]);
  });

  it('throws on output that is not JSON, so a failing rocm-smi is reported, not read as no GPU', () => {
    expect(() => parseRocmSmiGpus('ERROR: GPU[0] : Unable to get vram')).toThrow(SyntaxError);
  });
});
