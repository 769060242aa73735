import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Absolute paths of the programs and input files the suite runs, written by {@link writeFixturePrograms}.
 *
 * The programs are Python 3 with only the standard library, because every backend's runtime has it; the
 * suite writes them itself so it never depends on files of the caller's project.
 */
export interface FixturePrograms {
  /** Prints `hello from icl`. */
  hello: string;
  /** Exits with code 3. */
  exitThree: string;
  /** Writes 2000 numbered lines, alternating between stdout and stderr, flushing each. */
  interleavedOutput: string;
  /** Writes {@link largeOutputLineCount} lines of 64 bytes (10 MiB) to stdout. */
  largeOutput: string;
  /** Prints {@link nonAsciiLine} as UTF-8, {@link nonAsciiRepetitions} times, then split mid-character. */
  nonAsciiOutput: string;
  /** Prints the two environment variables the environment test sets, as JSON. */
  environment: string;
  /** Prints its arguments as a JSON array. */
  arguments: string;
  /** Reads the shipped files from its working directory and prints them as JSON. */
  shippedFilesReader: string;
  /** Defines `train` (returns a JSON result) and `reject` (raises `ValueError('bad input')`). */
  functions: string;
  /** Starts two children and a grandchild, prints all pids as JSON, then prints a heartbeat forever. */
  processTree: string;
  /** Prints its pid as JSON, then sleeps 30 s. */
  sleeper: string;
  /** Writes its index to `scratch.txt` in its working directory, waits, reads it back and prints both. */
  scratchWriter: string;
  /** Prints `first`, sleeps 3 s, prints `second`. */
  slowOutput: string;
  /** Sleeps 1 s, then prints `detached output`. */
  detachedOutput: string;
  /**
   * An HTTP service on the port given as its argument, answering `hello from the conformance service`.
   * It binds loopback on a host and all interfaces inside a container or pod, where only the published
   * port is reachable from outside.
   */
  service: string;
  /** A file to ship (`data.txt`). */
  shippedFile: string;
  /** A folder to ship (`config/` with `a.json` and `sub/b.txt`). */
  shippedFolder: string;
}

/** How many lines the 10 MB test writes; with 64 bytes a line that is exactly 10 MiB. */
export const largeOutputLineCount = 163_840;

/** The line the non-ASCII test repeats: accents, a dash, CJK and an emoji (2, 3 and 4 byte UTF-8). */
export const nonAsciiLine = 'héllo wörld — 日本語 🚀';

/**
 * How many times the non-ASCII line is printed in one go: about 700 kB, so whatever chunk size a backend
 * reads with, chunk boundaries are likely to fall inside multi-byte characters.
 */
export const nonAsciiRepetitions = 20_000;

/**
 * How many more times it is printed with a pause in the middle of a character (once per UTF-8
 * continuation byte of the line), so even a backend that streams quickly sees characters split between
 * reads.
 */
export const nonAsciiSplitRepetitions = Array.from(new TextEncoder().encode(`${nonAsciiLine}\n`)).filter(
  (byte) => (byte & 0xc0) === 0x80,
).length;

/** The content of the shipped file `data.txt`. */
export const shippedFileContent = 'data shipped with the run\n';
/** The content of the shipped `config/a.json`. */
export const shippedJsonContent = { learningRate: 0.1, layers: [64, 32] };
/** The content of the shipped `config/sub/b.txt`. */
export const shippedNestedContent = 'nested file ✓\n';

/** The exact stdout and stderr the interleaved-output program writes, for comparison. */
export function expectedInterleavedOutput(): { stdout: string; stderr: string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (let number = 0; number < 2000; number++) {
    if (number % 2 === 0) stdout.push(`stdout line ${number}\n`);
    else stderr.push(`stderr line ${number}\n`);
  }
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}

/** The exact stdout of the 10 MiB program: each line is its 8-digit number, a space, 54 `x` and a newline. */
export function expectedLargeOutput(): string {
  const padding = 'x'.repeat(54);
  const lines: string[] = [];
  for (let number = 0; number < largeOutputLineCount; number++) {
    lines.push(`${String(number).padStart(8, '0')} ${padding}\n`);
  }
  return lines.join('');
}

const sources: Record<Exclude<keyof FixturePrograms, 'shippedFile' | 'shippedFolder'>, [string, string]> = {
  hello: ['hello.py', 'print("hello from icl")\n'],
  exitThree: ['exit_three.py', 'import sys\n\nsys.exit(3)\n'],
  interleavedOutput: [
    'interleaved_output.py',
    `import sys

for number in range(2000):
    if number % 2 == 0:
        sys.stdout.write(f"stdout line {number}\\n")
        sys.stdout.flush()
    else:
        sys.stderr.write(f"stderr line {number}\\n")
        sys.stderr.flush()
`,
  ],
  largeOutput: [
    'large_output.py',
    `import sys

padding = "x" * 54
write = sys.stdout.write
for number in range(${largeOutputLineCount}):
    write(f"{number:08d} {padding}\\n")
sys.stdout.flush()
`,
  ],
  nonAsciiOutput: [
    'non_ascii_output.py',
    `import sys
import time

line = ${JSON.stringify(nonAsciiLine)} + "\\n"
sys.stdout.reconfigure(encoding="utf-8")
for _ in range(${nonAsciiRepetitions}):
    sys.stdout.write(line)
sys.stdout.flush()
# Then the line a few more times, each written in two flushed halves cut inside a multi-byte character.
encoded = line.encode("utf-8")
for cut in [index for index in range(1, len(encoded)) if encoded[index] & 0xC0 == 0x80]:
    sys.stdout.buffer.write(encoded[:cut])
    sys.stdout.buffer.flush()
    time.sleep(0.05)
    sys.stdout.buffer.write(encoded[cut:])
    sys.stdout.buffer.flush()
`,
  ],
  environment: [
    'environment.py',
    `import json
import os

print(json.dumps({
    "ICL_TEST_GREETING": os.environ.get("ICL_TEST_GREETING"),
    "ICL_RUNTIME_VALUE": os.environ.get("ICL_RUNTIME_VALUE"),
}))
`,
  ],
  arguments: ['arguments.py', 'import json\nimport sys\n\nprint(json.dumps(sys.argv[1:]))\n'],
  shippedFilesReader: [
    'shipped_files_reader.py',
    `import json
from pathlib import Path

print(json.dumps({
    "data": Path("inputs/data.txt").read_text(encoding="utf-8"),
    "a": json.loads(Path("settings/a.json").read_text(encoding="utf-8")),
    "b": Path("settings/sub/b.txt").read_text(encoding="utf-8"),
}))
`,
  ],
  functions: [
    'functions.py',
    `def train(learning_rate, epochs, tags=None):
    return {"lr": learning_rate, "epochs": epochs, "tags": tags, "sum": learning_rate * epochs}


def reject():
    raise ValueError("bad input")
`,
  ],
  processTree: [
    'process_tree.py',
    `import json
import os
import subprocess
import sys
import time

LOOP = "import time\\nwhile True:\\n    time.sleep(0.1)\\n"
PARENT = (
    "import subprocess, sys\\n"
    "grandchild = subprocess.Popen([sys.executable, '-c', sys.argv[1]])\\n"
    "print(grandchild.pid, flush=True)\\n"
    "grandchild.wait()\\n"
)

first = subprocess.Popen([sys.executable, "-c", LOOP])
second = subprocess.Popen([sys.executable, "-c", PARENT, LOOP], stdout=subprocess.PIPE, text=True)
grandchild = int(second.stdout.readline())
print(json.dumps({"pids": [os.getpid(), first.pid, second.pid, grandchild]}), flush=True)
while True:
    print("heartbeat", flush=True)
    time.sleep(0.1)
`,
  ],
  sleeper: [
    'sleeper.py',
    'import json\nimport os\nimport time\n\nprint(json.dumps({"pid": os.getpid()}), flush=True)\ntime.sleep(30)\n',
  ],
  scratchWriter: [
    'scratch_writer.py',
    `import os
import time
from pathlib import Path

index = os.environ["ICL_TEST_INDEX"]
Path("scratch.txt").write_text(index, encoding="utf-8")
time.sleep(0.3)
print(f"index={index} scratch={Path('scratch.txt').read_text(encoding='utf-8')}")
`,
  ],
  slowOutput: [
    'slow_output.py',
    'import time\n\nprint("first", flush=True)\ntime.sleep(3)\nprint("second", flush=True)\n',
  ],
  detachedOutput: [
    'detached_output.py',
    'import time\n\ntime.sleep(1)\nprint("detached output", flush=True)\n',
  ],
  service: [
    'service.py',
    `import http.server
import os
import sys
import time

in_container = os.path.exists("/.dockerenv") or "KUBERNETES_SERVICE_HOST" in os.environ
address = "0.0.0.0" if in_container else "127.0.0.1"


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from the conformance service"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


time.sleep(0.5)  # not ready at once, so the readiness check has something to wait for
http.server.HTTPServer((address, int(sys.argv[1])), Hello).serve_forever()
`,
  ],
};

/**
 * Writes every fixture program and input file into `directory` and returns their absolute paths, so the
 * run requests the suite builds refer to files that exist and that no test can change under another.
 */
export async function writeFixturePrograms(directory: string): Promise<FixturePrograms> {
  const root = path.resolve(directory);
  await mkdir(root, { recursive: true });
  const paths: Partial<FixturePrograms> = {};
  for (const [key, [fileName, source]] of Object.entries(sources)) {
    const filePath = path.join(root, fileName);
    await writeFile(filePath, source, 'utf8');
    paths[key as keyof typeof sources] = filePath;
  }
  const shippedFile = path.join(root, 'data.txt');
  await writeFile(shippedFile, shippedFileContent, 'utf8');
  const shippedFolder = path.join(root, 'config');
  await mkdir(path.join(shippedFolder, 'sub'), { recursive: true });
  await writeFile(
    path.join(shippedFolder, 'a.json'),
    `${JSON.stringify(shippedJsonContent, null, 2)}\n`,
    'utf8',
  );
  await writeFile(path.join(shippedFolder, 'sub', 'b.txt'), shippedNestedContent, 'utf8');
  return { ...paths, shippedFile, shippedFolder } as FixturePrograms;
}
