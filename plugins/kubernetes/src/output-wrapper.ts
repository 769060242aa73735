import { randomBytes } from 'node:crypto';
import { iclPath, workspacePath } from '@icl/backend-kit';

/** Where a run's ConfigMap of files is mounted; its `workspace`, `icl` and `root` trees are copied out at start. */
export const filesMountPath = `${iclPath}/files`;

/**
 * A new marker for one run's framed output: a record separator and a random word, which a program's own
 * output does not contain by chance.
 */
export function createOutputMarker(): string {
  return `\u001eicl-${randomBytes(8).toString('hex')}`;
}

/**
 * The Python program that runs a program inside the pod and keeps its two output streams apart.
 *
 * The Kubernetes log API returns a container's stdout and stderr merged (splitting them is an alpha
 * feature of 1.32), so the wrapper writes the program's stdout through unchanged and each piece of its
 * stderr as a frame `<marker> stderr <length>\n<bytes>`, which {@link FramedOutputParser} takes apart
 * again; `kubectl logs` still shows stdout as the program wrote it. A function's JSON result comes back the
 * same way, as a `result` frame, since the pod's files are gone once it ends.
 *
 * It forwards termination signals to the program's whole process group (it is PID 1, so the program's
 * children are stopped with it), ends once the program has exited and its output is drained, and exits
 * with the program's exit code (128 + the signal's number when a signal killed it).
 */
export const outputWrapperSource = `
import os, select, signal, subprocess, sys, time
marker = sys.argv[1].encode()
result_path = sys.argv[2]
command = sys.argv[3:]
def write(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]
def frame(kind, data):
    write(b'%s %s %d\\n' % (marker, kind, len(data)) + data)
try:
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
except OSError as error:
    frame(b'stderr', ('icl: cannot run %s: %s\\n' % (command[0], error.strerror)).encode())
    sys.exit(127 if error.errno == 2 else 126)
def forward(number, _frame):
    try:
        os.killpg(child.pid, number)
    except OSError:
        pass
for name in ('SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'):
    signal.signal(getattr(signal, name), forward)
kinds = {child.stdout.fileno(): None, child.stderr.fileno(): b'stderr'}
pending = list(kinds)
ended = None
while pending:
    if ended is None and child.poll() is not None:
        ended = time.monotonic()
    wait = 1.0 if ended is None else ended + 0.5 - time.monotonic()
    if wait < 0:
        break
    for descriptor in select.select(pending, [], [], wait)[0]:
        data = os.read(descriptor, 65536)
        if not data:
            pending.remove(descriptor)
        elif kinds[descriptor] is None:
            write(data)
        else:
            frame(kinds[descriptor], data)
code = child.wait()
try:
    os.killpg(child.pid, signal.SIGKILL)
except OSError:
    pass
if code == 0 and result_path:
    try:
        with open(result_path, 'rb') as source:
            frame(b'result', source.read())
    except OSError:
        pass
sys.exit(code if code >= 0 else 128 - code)
`;

/**
 * The shell step every container starts with: copies the run's shipped files out of their ConfigMap
 * into the writable working directory (and `/icl`, and absolute destinations), then runs the program
 * through the output wrapper when the image has `python3`, or directly otherwise (its stderr then shows
 * as stdout, and function results cannot come back).
 */
const launcherScript = `set -e
if [ -d ${filesMountPath}/workspace ]; then cp -R ${filesMountPath}/workspace/. ${workspacePath}/; fi
if [ -d ${filesMountPath}/icl ]; then cp -R ${filesMountPath}/icl/. ${iclPath}/; fi
if [ -d ${filesMountPath}/root ]; then cp -R ${filesMountPath}/root/. /; fi
wrapper=$1 marker=$2 result=$3
shift 3
if command -v python3 >/dev/null 2>&1; then exec python3 -c "$wrapper" "$marker" "$result" "$@"; fi
exec "$@"`;

/**
 * The container's full command for a program's argv: the launcher, the wrapper, the run's output
 * marker and where a function leaves its result (empty for other programs).
 */
export function wrappedCommand(
  argv: readonly string[],
  marker: string,
  resultFile: string | undefined,
): string[] {
  return ['sh', '-c', launcherScript, 'icl', outputWrapperSource, marker, resultFile ?? '', ...argv];
}
