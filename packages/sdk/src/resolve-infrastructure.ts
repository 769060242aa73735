import { type Infrastructure, UnknownInfrastructureError } from '@icl/core';
import { infrastructureEnvironmentOverrides } from './infrastructure-environment-overrides';
import type { Settings } from './settings';

/**
 * How a caller names where to run: an infrastructure's name (`gpu-lab`, or a backend's name such as
 * `docker`), either followed by `:` and a target the backend understands (`kind:lab` is the kind cluster
 * `lab`, `k8s:prod` the kubeconfig context `prod`), a reference `{ name }` to one in the settings file,
 * or a full definition made in code.
 */
export type InfrastructureSelector = string | InfrastructureReference;

/**
 * An infrastructure given in code: just a name to look up in the settings file, or a complete
 * definition with its backend and settings.
 */
export interface InfrastructureReference {
  /** The name users refer to. */
  name: string;
  /** The backend; when absent the name is looked up in the settings file. */
  backend?: string;
  /** Settings for the backend, for a complete definition. */
  settings?: Infrastructure['settings'];
}

/**
 * Turns what the caller asked for into a complete infrastructure: an explicit definition is used as
 * given, a name is looked up in the settings file, and the name of a registered backend works as an
 * infrastructure with empty settings (`--on docker`). `<infrastructure or backend>:<target>` resolves
 * the part before the colon that way and adds the setting `target` (`--on kind:lab`). Environment
 * overrides apply last.
 *
 * @param settings The loaded settings.
 * @param selector What the caller asked for; the default infrastructure when absent.
 * @param backendNames The registered backends, whose names also work as infrastructure names.
 * @throws UnknownInfrastructureError listing the defined infrastructures and where to define one.
 */
export function resolveInfrastructure(
  settings: Settings,
  selector: InfrastructureSelector | undefined,
  backendNames: readonly string[],
): Infrastructure {
  const reference: InfrastructureReference =
    selector === undefined
      ? { name: settings.defaultInfrastructure }
      : typeof selector === 'string'
        ? { name: selector }
        : selector;
  const name = reference.name.trim();
  let resolved: Infrastructure;
  if (reference.backend !== undefined) {
    resolved = { name, backend: reference.backend, settings: { ...(reference.settings ?? {}) } };
  } else if (Object.hasOwn(settings.infrastructures, name)) {
    const definition = settings.infrastructures[name]!;
    resolved = { name, backend: definition.backend, settings: structuredClone(definition.settings) };
  } else if (backendNames.includes(name)) {
    resolved = { name, backend: name, settings: {} };
  } else {
    const targeted = targetSelector(name, settings, backendNames);
    if (!targeted) throw unknownInfrastructure(settings, name, selector === undefined, backendNames);
    const definition = settings.infrastructures[targeted.base];
    resolved = definition
      ? {
          name,
          backend: definition.backend,
          settings: { ...structuredClone(definition.settings), target: targeted.target },
        }
      : { name, backend: targeted.base, settings: { target: targeted.target } };
  }
  const others = Object.keys(settings.infrastructures).filter((other) => other !== name);
  Object.assign(resolved.settings!, infrastructureEnvironmentOverrides(settings.environment, name, others));
  return resolved;
}

/** Splits `kind:lab` into a known infrastructure or backend and the target after the first colon. */
function targetSelector(
  name: string,
  settings: Settings,
  backendNames: readonly string[],
): { base: string; target: string } | undefined {
  const colon = name.indexOf(':');
  if (colon <= 0 || colon === name.length - 1) return undefined;
  const base = name.slice(0, colon);
  const target = name.slice(colon + 1);
  return Object.hasOwn(settings.infrastructures, base) || backendNames.includes(base)
    ? { base, target }
    : undefined;
}

function unknownInfrastructure(
  settings: Settings,
  name: string,
  isDefault: boolean,
  backendNames: readonly string[],
): UnknownInfrastructureError {
  const defined = Object.keys(settings.infrastructures).sort();
  const origin = isDefault ? ' (the default infrastructure)' : '';
  return new UnknownInfrastructureError({
    infrastructureName: name,
    availableInfrastructures: defined,
    message: `Unknown infrastructure "${name}"${origin}. Defined infrastructures: ${defined.join(', ') || 'none'}.`,
    hint: `Define it under \`infrastructures:\` in ${settings.file}, or use a backend name (${backendNames.join(', ') || 'none installed'}).`,
  });
}
