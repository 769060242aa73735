import { InvalidArgumentError, type Runtime } from '@icl/core';

/** Where pip packages are installed in built images. */
export const virtualEnvironmentPath = '/opt/icl/venv';

/** Where npm packages are installed in built images; linked as `/workspace/node_modules`. */
const nodePackagesPath = '/opt/icl/node';

/** The PATH images get when their base sets none, as Docker itself defaults it. */
const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const aptPackagePattern = /^[A-Za-z0-9][A-Za-z0-9+.:=~_-]*$/;

/** Whether a runtime needs an image of its own, because it installs packages. */
export function runtimeNeedsBuild(runtime: Runtime): boolean {
  const dependencies = runtime.dependencies ?? {};
  return [dependencies.pip, dependencies.apt, dependencies.npm].some((list) => (list?.length ?? 0) > 0);
}

/**
 * The Dockerfile of a runtime's image: the base image, then Debian packages, then pip packages in a
 * virtual environment (Debian's system pip refuses global installs; the environment sees the
 * system's packages, so Python libraries installed with apt stay importable), then npm packages linked
 * into the working directory. The environment's `bin` comes first on the PATH, so `python3` is the
 * one with the packages.
 *
 * @throws InvalidArgumentError for a package name that could smuggle shell syntax into the build.
 */
export function runtimeDockerfile(runtime: Runtime, baseImage: string): string {
  const dependencies = runtime.dependencies ?? {};
  const lines = [`FROM ${baseImage}`];
  const apt = (dependencies.apt ?? []).map((entry) => entry.trim());
  for (const name of apt) {
    if (!aptPackagePattern.test(name)) {
      throw new InvalidArgumentError({
        argument: 'runtime.dependencies.apt',
        message: `"${name}" is not a Debian package name.`,
        hint: 'Give package names, optionally with a version: curl, libgomp1, git=1:2.39.5-0+deb12u1.',
      });
    }
  }
  if (apt.length > 0) {
    lines.push(
      `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${apt.join(' ')} && rm -rf /var/lib/apt/lists/*`,
    );
  }
  const pip = (dependencies.pip ?? []).map((entry) => entry.trim());
  if (pip.length > 0) {
    const requirements = pip.map((entry) => shellQuote(entry, 'runtime.dependencies.pip')).join(' ');
    lines.push(
      `RUN python3 -m venv --system-site-packages ${virtualEnvironmentPath} && ${virtualEnvironmentPath}/bin/pip install --no-cache-dir --disable-pip-version-check ${requirements}`,
      `ENV VIRTUAL_ENV=${virtualEnvironmentPath} PATH=${virtualEnvironmentPath}/bin:\${PATH:-${defaultPath}}`,
    );
  }
  const npm = (dependencies.npm ?? []).map((entry) => entry.trim());
  if (npm.length > 0) {
    const specifications = npm.map((entry) => shellQuote(entry, 'runtime.dependencies.npm')).join(' ');
    lines.push(
      `RUN mkdir -p ${nodePackagesPath} /workspace && cd ${nodePackagesPath} && npm install --no-audit --no-fund ${specifications} && ln -s ${nodePackagesPath}/node_modules /workspace/node_modules`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Quotes one word for `sh`; refuses line breaks and other control characters, which end a Dockerfile line. */
function shellQuote(word: string, argument: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (word === '' || /[\u0000-\u001f\u007f]/.test(word)) {
    throw new InvalidArgumentError({
      argument,
      message: `The package specification ${JSON.stringify(word)} is empty or has control characters.`,
      hint: 'Give one requirement per entry, for example numpy==2.1.0.',
    });
  }
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
