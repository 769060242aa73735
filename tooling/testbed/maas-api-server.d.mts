/** A machine of the MAAS stand-in, as `startMaasApiServer` takes it. */
export interface MaasMachineDefinition {
  system_id: string;
  hostname: string;
  cpu_count?: number;
  memory?: number;
  tag_names?: string[];
  zone?: string;
  pool?: string;
  ip_addresses?: string[];
}

/** The running MAAS stand-in. */
export interface MaasApiServer {
  url: string;
  apiKey: string;
  machines(): Array<Record<string, unknown> & { system_id: string; status: number; status_name: string }>;
  requests(): Array<{ method: string; path: string; op: string | null }>;
  failNextDeployment(systemId: string): void;
  setMachine(systemId: string, changes: Record<string, unknown>): void;
  close(): Promise<void>;
}

export const machineStatus: Record<string, [number, string]>;

export function startMaasApiServer(options: {
  machines: MaasMachineDefinition[];
  deployMilliseconds?: number;
  releaseMilliseconds?: number;
  onDeployed?: (machine: Record<string, unknown>, userData: string) => Promise<void> | void;
}): Promise<MaasApiServer>;
