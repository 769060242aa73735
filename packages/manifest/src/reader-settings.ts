import type { DeploymentMode, ManifestDialect, ManifestVersion } from './manifest-version';

/** What readers need to know about the file as a whole: which rules apply. */
export interface ReaderSettings {
  readonly version: ManifestVersion;
  readonly dialect: ManifestDialect;
  readonly mode: DeploymentMode;
}

/** How to fix a field that only ICL 1.0 has, when found in an Akash SDL. */
export function onlyInIcl(field: string): string {
  return `\`${field}\` belongs to ICL deploy.yaml (Spheron's dialect): set \`version: "1.0"\`, or remove it.`;
}

/** How to fix a field that only Akash SDL has, when found in an ICL 1.0 file. */
export function onlyInAkash(field: string): string {
  return `\`${field}\` belongs to Akash SDL 2.x; ICL deploy.yaml (version "1.0") does not have it. Remove it, or set \`version: "2.1"\`.`;
}
