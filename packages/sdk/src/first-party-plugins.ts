/**
 * The backends ICL's own plugins provide, by backend name, with the package to install for each. Used
 * only to say which package to install when a program asks for one that is not installed; plugins
 * themselves are found by their package.json marker (see `discoverPlugins`), ours and third parties'.
 */
export const firstPartyPlugins: Readonly<Record<string, string>> = {
  docker: '@icl/plugin-docker',
  k8s: '@icl/plugin-kubernetes',
  kind: '@icl/plugin-kind',
  market: '@icl/plugin-marketplace',
};
