import { isMap, isSeq } from 'yaml';
import { attributeKeyPattern, byKey } from './attribute-key';
import { formatGibibytes, parseByteQuantity } from './byte-quantity';
import { parseCpuUnits } from './cpu-units';
import type { Attribute } from './group-spec';
import { insertionSort } from './insertion-sort';
import type { ManifestField } from './manifest-field';
import type { ComputeProfileModel, GpuChoiceModel, StorageVolumeModel } from './manifest-model';
import { onlyInIcl, type ReaderSettings } from './reader-settings';
import { resourceLimits } from './resource-limits';

const storageClasses = ['default', 'beta1', 'beta2', 'beta3', 'ram'];
const volumeNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const gpuVendors = ['nvidia'];

/** Reads `profiles.compute`. */
export function readComputeProfiles(
  field: ManifestField,
  settings: ReaderSettings,
): { profiles: Map<string, ComputeProfileModel>; broken: Set<string> } {
  const profiles = new Map<string, ComputeProfileModel>();
  const broken = new Set<string>();
  const entries = field.namedEntries(
    'a mapping of compute profile names to resources',
    'Write `compute:` followed by `<profile>: { resources: { cpu: ..., memory: ..., storage: ... } }`.',
  );
  for (const entry of entries ?? []) {
    const profile = readComputeProfile(entry.name, entry.value, settings);
    if (profile === undefined || !profile.complete) broken.add(entry.name);
    if (profile !== undefined) profiles.set(entry.name, profile);
  }
  return { profiles, broken };
}

function readComputeProfile(
  name: string,
  field: ManifestField,
  settings: ReaderSettings,
): ComputeProfileModel | undefined {
  const profile = field.mapping({ what: 'a compute profile', known: ['resources'], required: ['resources'] });
  const resourcesField = profile?.get('resources');
  if (resourcesField === undefined) return undefined;
  const resources = resourcesField.mapping({
    what: 'resources',
    known: ['cpu', 'memory', 'storage', 'gpu'],
    required: ['cpu', 'memory', 'storage'],
  });
  if (resources === undefined) return undefined;
  const cpuField = resources.get('cpu');
  const cpu = cpuField === undefined ? undefined : readCpu(cpuField, settings);
  const memoryField = resources.get('memory');
  const memoryBytes = memoryField === undefined ? undefined : readMemory(memoryField);
  const storageField = resources.get('storage');
  const storage = storageField === undefined ? undefined : readStorage(storageField);
  const gpuField = resources.get('gpu');
  const gpu = gpuField === undefined || gpuField.isNull ? noGpu : readGpu(gpuField, settings);
  const complete =
    cpu !== undefined && memoryBytes !== undefined && storage !== undefined && gpu !== undefined;
  return {
    name,
    field,
    cpuMillis: cpu?.millis ?? 0,
    cpuAttributes: cpu?.attributes ?? [],
    memoryBytes: memoryBytes ?? 0,
    storage: storage ?? [],
    gpuUnits: gpu?.units ?? 0,
    gpuAttributes: gpu?.attributes ?? [],
    gpuChoices: gpu?.choices ?? [],
    complete,
  };
}

function readCpu(
  field: ManifestField,
  settings: ReaderSettings,
): { millis: number; attributes: Attribute[] } | undefined {
  const entries = field.mapping({ what: 'cpu', known: ['units', 'attributes'], required: ['units'] });
  if (entries === undefined) return undefined;
  const hint = `Give CPUs as a number (\`1\`, \`0.5\`) or thousandths (\`"500m"\`), from 10m to ${resourceLimits.cpuMillis.maximum / 1000}.`;
  let millis: number | undefined;
  const unitsField = entries.get('units');
  if (unitsField !== undefined) {
    const text = unitsField.scalarText('a CPU amount', hint);
    if (text !== undefined) {
      const parsed = parseCpuUnits(text);
      if (typeof parsed !== 'number') unitsField.report('cpu-units', parsed.problem, hint);
      else if (parsed < resourceLimits.cpuMillis.minimum || parsed > resourceLimits.cpuMillis.maximum) {
        unitsField.report(
          'cpu-units',
          `\`${text}\` is ${parsed < 10 ? 'below 10m' : 'above 384 CPUs'}`,
          hint,
        );
      } else millis = parsed;
    }
  }
  const attributesField = entries.get('attributes');
  const attributes =
    attributesField === undefined || attributesField.isNull
      ? []
      : readCpuAttributes(attributesField, settings);
  return millis === undefined || attributes === undefined ? undefined : { millis, attributes };
}

function readCpuAttributes(field: ManifestField, settings: ReaderSettings): Attribute[] | undefined {
  const entries = field.mapping({ what: 'cpu attributes', known: ['arch'] });
  const archField = entries?.get('arch');
  if (entries === undefined) return undefined;
  if (archField === undefined) return [];
  const hint =
    settings.dialect === 'icl'
      ? 'Write `arch: amd64`, or `arch: { arm64: [{ model: m3pro }] }` for a chip model.'
      : 'Write the architecture as text, for example `arch: amd64`.';
  if (settings.dialect === 'icl' && isMap(archField.node)) {
    const architectures = archField.namedEntries('a mapping of architectures to models', hint);
    if (architectures === undefined) return undefined;
    const attributes: Attribute[] = [];
    for (const architecture of architectures) {
      const models = architecture.value.isNull
        ? []
        : architecture.value.sequence('a list of `- model: <name>`', hint);
      if (models === undefined) return undefined;
      if (models.length === 0) attributes.push({ key: 'arch', value: architecture.name });
      for (const model of models) {
        const name = model
          .mapping({ what: 'a CPU model', known: ['model'], required: ['model'] })
          ?.get('model')
          ?.string(hint);
        if (name === undefined) return undefined;
        attributes.push({ key: `arch/${architecture.name}/model/${name}`, value: 'true' });
      }
    }
    return checkAttributeKeys(archField, attributes.sort(byKey), 'cpu-attribute', hint);
  }
  const arch = archField.string(hint);
  return arch === undefined ? undefined : [{ key: 'arch', value: arch }];
}

function readMemory(field: ManifestField): number | undefined {
  const entries = field.mapping({ what: 'memory', known: ['size'], required: ['size'] });
  const sizeField = entries?.get('size');
  if (sizeField === undefined) return undefined;
  const hint = 'Give the memory with a unit, for example `size: 512Mi` or `size: 4Gi` (1Mi to 2Ti).';
  const text = sizeField.string(hint);
  if (text === undefined) return undefined;
  const bytes = parseByteQuantity(text, 'decimal-and-binary');
  if (typeof bytes !== 'number') {
    sizeField.report('memory-size', bytes.problem, hint);
    return undefined;
  }
  const { minimum, maximum } = resourceLimits.memoryBytes;
  if (bytes < minimum || bytes > maximum) {
    sizeField.report('memory-size', `\`${text}\` is ${bytes < minimum ? 'below 1Mi' : 'above 2Ti'}`, hint);
    return undefined;
  }
  return bytes;
}

function readStorage(field: ManifestField): StorageVolumeModel[] | undefined {
  const isList = isSeq(field.node);
  const items = isList
    ? field.sequence('a list of volumes', 'Write `storage:` as `- size: 10Gi` entries.')
    : [field];
  if (items === undefined) return undefined;
  const volumes: StorageVolumeModel[] = [];
  let valid = true;
  const names = new Map<string, ManifestField>();
  for (const item of items) {
    const volume = readVolume(item, isList);
    if (volume === undefined) {
      valid = false;
      continue;
    }
    if (names.has(volume.name)) {
      item.report(
        'storage-name-duplicate',
        `a volume named \`${volume.name}\` is already declared`,
        volume.name === 'default'
          ? 'Only one volume may go unnamed (it is called `default`): give this one a `name:`.'
          : 'Give each volume of a profile a different `name:`.',
      );
      valid = false;
      continue;
    }
    names.set(volume.name, item);
    volumes.push(volume);
  }
  if (!valid) return undefined;
  return insertionSort(volumes, volumeComesFirst);
}

/**
 * The reference parser's volume order: smaller first; then, comparing the `persistent` attribute's
 * text, volumes without it first; then ephemeral before persistent; then by name. (It is not a strict
 * order, which is why the sort algorithm matters.)
 */
function volumeComesFirst(left: StorageVolumeModel, right: StorageVolumeModel): boolean {
  if (left.bytes !== right.bytes) return left.bytes < right.bytes;
  const leftText = left.attributes?.find((attribute) => attribute.key === 'persistent')?.value ?? '';
  const rightText = right.attributes?.find((attribute) => attribute.key === 'persistent')?.value ?? '';
  const leftHas = leftText !== '';
  const rightHas = rightText !== '';
  if ((!leftHas && rightHas) || (leftHas && rightHas && leftText < rightText)) return true;
  if (leftHas && !rightHas) return false;
  if (!left.persistent) return true;
  if (!right.persistent) return false;
  return left.name < right.name;
}

function readVolume(field: ManifestField, inList: boolean): StorageVolumeModel | undefined {
  const entries = field.mapping({
    what: 'a storage volume',
    known: ['name', 'size', 'attributes'],
    required: ['size'],
  });
  if (entries === undefined) return undefined;
  let valid = true;
  let name = 'default';
  const nameField = entries.get('name');
  if (nameField !== undefined) {
    const nameHint = 'Name volumes with lowercase letters, digits and `-` (for example `name: data`).';
    const value = nameField.string(nameHint);
    if (value === undefined) valid = false;
    else if (!inList && value !== 'default') {
      nameField.report(
        'storage-name',
        'a single storage mapping is always the `default` volume',
        'Write `storage:` as a list (`- size: 10Gi` / `- name: data ...`) to name volumes.',
      );
      valid = false;
    } else if (!volumeNamePattern.test(value)) {
      nameField.report('storage-name', `\`${value}\` is not a valid volume name`, nameHint);
      valid = false;
    } else name = value;
  }
  const sizeHint = 'Give the size with a unit, for example `size: 10Gi` (5Mi to 32Ti).';
  let bytes: number | undefined;
  const sizeField = entries.get('size');
  const text = sizeField?.string(sizeHint);
  if (sizeField !== undefined && text !== undefined) {
    const parsed = parseByteQuantity(text, 'decimal-and-binary');
    const { minimum, maximum } = resourceLimits.storageBytes;
    if (typeof parsed !== 'number') sizeField.report('storage-size', parsed.problem, sizeHint);
    else if (parsed < minimum || parsed > maximum) {
      sizeField.report(
        'storage-size',
        `\`${text}\` is ${parsed < minimum ? 'below 5Mi' : 'above 32Ti'}`,
        sizeHint,
      );
    } else bytes = parsed;
  }
  const attributesField = entries.get('attributes');
  const attributes =
    attributesField === undefined || attributesField.isNull ? null : readStorageAttributes(attributesField);
  if (attributes === undefined || bytes === undefined || !valid) return undefined;
  return {
    name,
    field,
    bytes,
    attributes: attributes?.list,
    persistent: attributes?.persistent ?? false,
    storageClass: attributes?.storageClass,
  };
}

const truthy = ['true', 'on', 'yes'];
const falsy = ['false', 'off', 'no'];

function readStorageAttributes(
  field: ManifestField,
): { list: Attribute[]; persistent: boolean; storageClass: string | undefined } | undefined {
  const entries = field.mapping({ what: 'storage attributes', known: ['persistent', 'class'] });
  if (entries === undefined) return undefined;
  const persistentField = entries.get('persistent');
  const classField = entries.get('class');
  const persistentHint = 'Write `persistent: true` (kept across restarts) or `persistent: false`.';
  const classHint = `Use one of ${storageClasses.map((name) => `\`${name}\``).join(', ')} (\`ram\` for shared memory).`;
  const persistentText =
    persistentField === undefined ? 'false' : persistentField.scalarText('true or false', persistentHint);
  const classText = classField === undefined ? '' : classField.scalarText('a storage class', classHint);
  if (persistentText === undefined || classText === undefined) return undefined;
  let valid = true;
  let storageClass = classText;
  if (classText === '') {
    if (persistentText === 'true') storageClass = 'default';
  } else if (classText === 'ram') {
    if (persistentText !== 'false') {
      (persistentField ?? field).report(
        'storage-ram-persistent',
        'a `ram` volume cannot be persistent',
        'Set `persistent: false` for `class: ram` (shared memory lives and dies with the container).',
      );
      valid = false;
    }
  } else if (persistentText === 'false') {
    (classField ?? field).report(
      'storage-ephemeral-class',
      `an ephemeral volume cannot have class \`${classText}\``,
      'Set `persistent: true` to keep the volume, or remove `class` (only `ram` is ephemeral).',
    );
    valid = false;
  }
  let persistent = false;
  if (truthy.includes(persistentText)) persistent = true;
  else if (!falsy.includes(persistentText)) {
    persistentField?.report(
      'storage-attribute',
      `\`${persistentText}\` is not true or false`,
      persistentHint,
    );
    valid = false;
  }
  if (storageClass !== '' && !storageClasses.includes(storageClass)) {
    classField?.report('storage-class', `\`${storageClass}\` is not a storage class`, classHint);
    valid = false;
  }
  if (!valid) return undefined;
  const list: Attribute[] = [{ key: 'persistent', value: persistent ? 'true' : 'false' }];
  if (storageClass !== '') list.unshift({ key: 'class', value: storageClass });
  return { list, persistent, storageClass: storageClass === '' ? undefined : storageClass };
}

const noGpu = { units: 0, attributes: [] as Attribute[], choices: [] as GpuChoiceModel[] };

function readGpu(
  field: ManifestField,
  settings: ReaderSettings,
): { units: number; attributes: Attribute[]; choices: GpuChoiceModel[] } | undefined {
  const entries = field.mapping({ what: 'gpu', known: ['units', 'attributes'] });
  if (entries === undefined) return undefined;
  const unitsHint = `Give a whole number of GPUs from 0 to ${resourceLimits.gpuUnits.maximum}, for example \`units: 1\`.`;
  let units = 0;
  let valid = true;
  const unitsField = entries.get('units');
  if (unitsField !== undefined) {
    const text = unitsField.scalarText('a number of GPUs', unitsHint);
    if (text === undefined) valid = false;
    else if (!/^\d+$/.test(text)) {
      unitsField.report('gpu-units', `\`${text}\` is not a whole number of GPUs`, unitsHint);
      valid = false;
    } else if (Number(text) > resourceLimits.gpuUnits.maximum) {
      unitsField.report('gpu-units', `\`${text}\` is above ${resourceLimits.gpuUnits.maximum}`, unitsHint);
      valid = false;
    } else units = Number(text);
  }
  const attributesField = entries.get('attributes');
  if (attributesField === undefined) {
    if (valid && units > 0) {
      field.report(
        'gpu-attributes-required',
        'asks for GPUs without saying which',
        'Add `attributes: { vendor: { nvidia: [{ model: a100 }] } }` (or `nvidia:` with no models for any).',
      );
      return undefined;
    }
    return valid ? { units, attributes: [], choices: [] } : undefined;
  }
  if (valid && units === 0) {
    attributesField.report(
      'gpu-attributes-without-units',
      'GPU attributes need `units` above 0',
      'Set `units:` to the number of GPUs, or remove `attributes`.',
    );
    valid = false;
  }
  const read = readGpuAttributes(attributesField, settings);
  if (read === undefined || !valid) return undefined;
  return { units, ...read };
}

function readGpuAttributes(
  field: ManifestField,
  settings: ReaderSettings,
): { attributes: Attribute[]; choices: GpuChoiceModel[] } | undefined {
  const vendorHint =
    'Write `vendor: { nvidia: [{ model: a100 }] }`; `nvidia:` with no models accepts any NVIDIA GPU.';
  const entries = field.mapping({ what: 'GPU attributes', known: ['vendor'] });
  if (entries === undefined) return undefined;
  const vendorField = entries.get('vendor');
  if (vendorField === undefined) {
    field
      .child('vendor', null, field.node)
      .report('gpu-vendor', 'is missing: GPU attributes need a vendor', vendorHint);
    return undefined;
  }
  const vendors = vendorField.namedEntries('a mapping of vendors to models', vendorHint);
  if (vendors === undefined) return undefined;
  if (vendors.length === 0) {
    vendorField.report('gpu-vendor', 'names no vendor', vendorHint);
    return undefined;
  }
  const attributes: Attribute[] = [];
  const choices: GpuChoiceModel[] = [];
  let valid = true;
  for (const vendor of vendors) {
    if (!gpuVendors.includes(vendor.name)) {
      vendor.key.report(
        'gpu-vendor',
        `\`${vendor.name}\` is not a supported GPU vendor`,
        `Only \`nvidia\` is supported. ${vendorHint}`,
      );
      valid = false;
      continue;
    }
    const models = vendor.value.isNull
      ? []
      : vendor.value.sequence('a list of `- model: <name>`', vendorHint);
    if (models === undefined) {
      valid = false;
      continue;
    }
    if (models.length === 0) {
      attributes.push({ key: `vendor/${vendor.name}/model/*`, value: 'true' });
      choices.push({
        vendor: vendor.name,
        model: '*',
        ramBytes: undefined,
        interface: undefined,
        minimumVramBytes: undefined,
      });
    }
    for (const model of models) {
      const choice = readGpuModel(model, vendor.name, settings);
      if (choice === undefined) {
        valid = false;
        continue;
      }
      const existing = attributes.find((attribute) => attribute.key === choice.key);
      if (existing !== undefined) {
        model.report(
          'gpu-model-duplicate',
          `repeats \`${choice.key}\``,
          'List each GPU model (with its ram and interface) once.',
        );
        valid = false;
        continue;
      }
      attributes.push({ key: choice.key, value: 'true' });
      choices.push(choice.choice);
    }
  }
  return valid ? { attributes: attributes.sort(byKey), choices } : undefined;
}

function readGpuModel(
  field: ManifestField,
  vendor: string,
  settings: ReaderSettings,
): { key: string; choice: GpuChoiceModel } | undefined {
  const icl = settings.dialect === 'icl';
  const entries = field.mapping({
    what: 'a GPU model',
    known: icl ? ['model', 'ram', 'interface', 'req_vram'] : ['model', 'ram', 'interface'],
    required: ['model'],
    misplaced: icl ? {} : { req_vram: onlyInIcl('req_vram') },
  });
  if (entries === undefined) return undefined;
  const modelHint = 'Name the model as providers list it, for example `model: a100` or `model: rtx4090`.';
  const model = entries.get('model')?.string(modelHint);
  let valid = model !== undefined;
  let key = `vendor/${vendor}/model/${model ?? ''}`;
  let ramBytes: number | undefined;
  const ramField = entries.get('ram');
  if (ramField !== undefined) {
    const hint = 'Give the GPU memory in binary units, for example `ram: 80Gi`.';
    const text = ramField.string(hint);
    const bytes = text === undefined ? undefined : parseByteQuantity(text, 'binary');
    if (typeof bytes === 'number') {
      ramBytes = bytes;
      key += `/ram/${formatGibibytes(bytes)}`;
    } else {
      if (bytes !== undefined) ramField.report('gpu-ram', bytes.problem, hint);
      valid = false;
    }
  }
  let gpuInterface: 'pcie' | 'sxm' | undefined;
  const interfaceField = entries.get('interface');
  if (interfaceField !== undefined) {
    const hint = 'Write `interface: pcie` or `interface: sxm` (all SXM generations are `sxm`).';
    const text = interfaceField.string(hint);
    if (text === 'pcie' || text === 'sxm') {
      gpuInterface = text;
      key += `/interface/${text}`;
    } else {
      if (text !== undefined)
        interfaceField.report('gpu-interface', `\`${text}\` is not a GPU interface`, hint);
      valid = false;
    }
  }
  let minimumVramBytes: number | undefined;
  const vramField = entries.get('req_vram');
  if (vramField !== undefined) {
    const hint =
      'Give the least GPU memory the service needs, in binary units, for example `req_vram: 24Gi`.';
    const text = vramField.string(hint);
    const bytes = text === undefined ? undefined : parseByteQuantity(text, 'binary');
    if (typeof bytes === 'number' && bytes > 0 && text !== undefined && /[KMGTPE]i$/.test(text))
      minimumVramBytes = bytes;
    else {
      if (text !== undefined)
        vramField.report('gpu-vram', `\`${text}\` is not an amount of GPU memory`, hint);
      valid = false;
    }
  }
  if (valid && !attributeKeyPattern.test(key)) {
    field.report('gpu-model', `\`${model}\` cannot be part of an attribute key`, modelHint);
    valid = false;
  }
  if (!valid || model === undefined) return undefined;
  return {
    key,
    choice: { vendor, model, ramBytes, interface: gpuInterface, minimumVramBytes },
  };
}

function checkAttributeKeys(
  field: ManifestField,
  attributes: Attribute[],
  rule: string,
  hint: string,
): Attribute[] | undefined {
  const invalid = attributes.find((attribute) => !attributeKeyPattern.test(attribute.key));
  if (invalid !== undefined) {
    field.report(rule, `\`${invalid.key}\` is not a valid attribute key`, hint);
    return undefined;
  }
  return attributes;
}
