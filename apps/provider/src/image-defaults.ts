import type Dockerode from 'dockerode';

/**
 * The entrypoint and command an image runs by default, for manifest services that give no command
 * (the Docker backend runs exactly the command it is given). Empty lists when the image is not on the
 * daemon yet: the backend pulls it, and a service without any command then fails with that reason.
 */
export async function imageDefaults(
  docker: Dockerode,
  image: string,
): Promise<{ entrypoint: string[]; command: string[] }> {
  try {
    const inspected = await docker.getImage(image).inspect();
    const list = (value: string | string[] | undefined | null) =>
      value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    return { entrypoint: list(inspected.Config?.Entrypoint), command: list(inspected.Config?.Cmd) };
  } catch {
    return { entrypoint: [], command: [] };
  }
}
