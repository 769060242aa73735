#!/usr/bin/env node
// A stand-in for the `kind` CLI (kind cannot create clusters offline: its node image cannot be pulled or
// built here). It answers the commands ICL uses the way kind v0.27 does, keeps its "clusters" as files in
// KIND_STAND_IN_STATE, appends every call's arguments to KIND_STAND_IN_LOG (one JSON array a line), and
// prints KIND_STAND_IN_KUBECONFIG (the testbed control plane's) as every cluster's kubeconfig.
// KIND_STAND_IN_FAIL=<command words> makes a command that starts with those words (its arguments
// included: `load docker-image missing:1`) fail, like kind does when Docker misbehaves.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
const state = process.env.KIND_STAND_IN_STATE;
if (!state) {
  process.stderr.write('stand-in kind: set KIND_STAND_IN_STATE\n');
  process.exit(2);
}
mkdirSync(state, { recursive: true });
if (process.env.KIND_STAND_IN_LOG) appendFileSync(process.env.KIND_STAND_IN_LOG, `${JSON.stringify(argv)}\n`);

const option = (name, fallback) => {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : fallback;
};
const name = option('--name', 'kind');
const clusterFile = path.join(state, `${name}.json`);
const words = argv
  .filter((word) => !word.startsWith('-'))
  .slice(0, 2)
  .join(' ');
const fail = (message) => {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(1);
};
const commandLine = argv.filter((word) => !word.startsWith('-')).join(' ');
if (process.env.KIND_STAND_IN_FAIL && commandLine.startsWith(process.env.KIND_STAND_IN_FAIL)) {
  fail(`failed to ${words}: command "docker run" failed with error: exit status 125`);
}

switch (words) {
  case 'create cluster': {
    if (existsSync(clusterFile))
      fail(`failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
    const config = option('--config') ? readFileSync(option('--config'), 'utf8') : '';
    const workers = (config.match(/role: worker/g) ?? []).length;
    writeFileSync(clusterFile, JSON.stringify({ name, config, workers, images: [] }));
    process.stderr.write(`Creating cluster "${name}" ...\n ✓ Ensuring node image\n ✓ Preparing nodes\n`);
    break;
  }
  case 'delete cluster':
    process.stderr.write(`Deleting cluster "${name}" ...\n`);
    rmSync(clusterFile, { force: true });
    break;
  case 'get clusters': {
    const clusters = readdirSync(state)
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -5));
    if (clusters.length === 0) process.stderr.write('No kind clusters found.\n');
    else process.stdout.write(`${clusters.sort().join('\n')}\n`);
    break;
  }
  case 'get kubeconfig':
    if (!existsSync(clusterFile))
      fail(`could not locate any control plane nodes for cluster named '${name}'`);
    process.stdout.write(
      process.env.KIND_STAND_IN_KUBECONFIG
        ? readFileSync(process.env.KIND_STAND_IN_KUBECONFIG, 'utf8')
        : `apiVersion: v1\nkind: Config\nclusters:\n- name: kind-${name}\n  cluster:\n    server: https://127.0.0.1:6443\ncontexts:\n- name: kind-${name}\n  context:\n    cluster: kind-${name}\n    user: kind-${name}\ncurrent-context: kind-${name}\nusers:\n- name: kind-${name}\n  user:\n    client-key-data: c2VjcmV0\n`,
    );
    break;
  case 'get nodes': {
    if (!existsSync(clusterFile)) {
      process.stderr.write(`No kind nodes found for cluster "${name}".\n`);
      break;
    }
    const { workers } = JSON.parse(readFileSync(clusterFile, 'utf8'));
    const nodes = [
      `${name}-control-plane`,
      ...Array.from({ length: workers }, (_, index) => `${name}-worker${index ? index + 1 : ''}`),
    ];
    process.stdout.write(`${nodes.join('\n')}\n`);
    break;
  }
  case 'load docker-image': {
    if (!existsSync(clusterFile)) fail(`no nodes found for cluster "${name}"`);
    const cluster = JSON.parse(readFileSync(clusterFile, 'utf8'));
    const image = argv[2];
    cluster.images.push(image);
    writeFileSync(clusterFile, JSON.stringify(cluster));
    break;
  }
  default:
    fail(`unknown command "${argv.join(' ')}" for "kind"`);
}
