/**
 * Why the scheduler cannot place a pod, in the user's terms, from the message it writes into the pod's
 * `PodScheduled` condition and its `FailedScheduling` event: `0/8 nodes are available: 1 Insufficient
 * nvidia.com/gpu, 4 node(s) had untolerated taint {kwok.x-k8s.io/node: fake}, …`. Each group of nodes
 * becomes a clause (too few free GPUs, a taint the run does not tolerate, not the model or node
 * selection asked for); the scheduler's own words follow, so nothing is lost in translation.
 */
export function explainSchedulingFailure(schedulerMessage: string): string {
  const summary = /^\s*(\d+)\/(\d+) nodes are available: (.*?)(?:\.\s*preemption:.*)?\.?\s*$/s.exec(
    schedulerMessage,
  );
  if (!summary) return schedulerMessage.trim();
  const clauses = splitGroups(summary[3]!)
    .map((group) => {
      const match = /^(\d+) (.*)$/.exec(group.trim());
      if (!match) return group.trim();
      return describeGroup(Number(match[1]), match[2]!.trim());
    })
    .filter((clause) => clause !== '');
  const nodes = Number(summary[2]);
  const lead = nodes === 0 ? 'The cluster has no nodes' : `None of the ${nodes} nodes can take it`;
  return `${lead}: ${clauses.join('; ')} (scheduler: ${schedulerMessage.trim()})`;
}

function describeGroup(count: number, text: string): string {
  const nodes = count === 1 ? '1 node' : `${count} nodes`;
  const have = count === 1 ? 'has' : 'have';
  const are = count === 1 ? 'is' : 'are';
  const insufficient = /^Insufficient (\S+)$/.exec(text);
  if (insufficient) {
    const resource = insufficient[1]!;
    if (resource === 'cpu') return `${nodes} ${have} too little free CPU`;
    if (resource === 'memory') return `${nodes} ${have} too little free memory`;
    if (/gpu/i.test(resource)) return `${nodes} ${have} too few free GPUs (${resource})`;
    return `${nodes} ${have} too little free ${resource}`;
  }
  const taint = /^node\(s\) had untolerated taint \{(.*)\}$/.exec(text);
  if (taint) return `${nodes} ${have} a taint the run does not tolerate (${taint[1]!.trim()})`;
  if (/^node\(s\) didn't match Pod's node affinity\/selector$/.test(text)) {
    return `${nodes} ${are} not of the GPU model or node selection the run asks for`;
  }
  if (/^node\(s\) were unschedulable$/.test(text)) return `${nodes} ${are} cordoned`;
  if (/^node\(s\) didn't have free ports/.test(text)) return `${nodes} ${have} the requested ports in use`;
  return `${nodes}: ${text}`;
}

/** Splits `a, b {x: y, z}, c` at the commas that separate groups, not those inside braces. */
function splitGroups(text: string): string[] {
  const groups: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '{') depth += 1;
    else if (character === '}') depth = Math.max(0, depth - 1);
    else if (
      character === ',' &&
      depth === 0 &&
      text[index + 1] === ' ' &&
      /^ \d/.test(text.slice(index + 1, index + 3))
    ) {
      groups.push(text.slice(start, index));
      start = index + 2;
    }
  }
  groups.push(text.slice(start));
  return groups;
}
