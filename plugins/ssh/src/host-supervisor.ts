import { placeCachedFiles } from './host-files';

/**
 * The shell code that runs on an SSH host (POSIX `sh`, so any Linux host with busybox or coreutils
 * does): it supervises a run there, independently of the connection that started it.
 *
 * A run's processes carry its id in their environment (`ICL_RUN_ID`), which a child keeps even when it
 * starts its own session (`setsid`, Python's `start_new_session=True`); `/proc/<pid>/environ` shows it,
 * so stopping a run stops every such process and nothing else. The supervisor itself does not carry it.
 */
const runProcesses = `
run_processes() {
  grep -lzx "ICL_RUN_ID=$id" /proc/[0-9]*/environ 2>/dev/null | sed 's#^/proc/##; s#/environ$##'
}
stop_run() {
  # A run in a container (see host-containers.ts): the daemon stops it, SIGKILL after the grace period.
  if [ -f "$HOME/$run/container" ]; then
    docker stop --time "$grace" "$(cat "$HOME/$run/container")" > /dev/null 2>&1
  fi
  pids=$(run_processes)
  [ -z "$pids" ] && return 0
  kill -TERM $pids 2>/dev/null
  waited=0
  while [ "$waited" -lt $((grace * 10)) ]; do
    sleep 0.1
    pids=$(run_processes)
    [ -z "$pids" ] && return 0
    waited=$((waited + 1))
  done
  kill -KILL $(run_processes) 2>/dev/null
  return 0
}
`;

/**
 * GPU claims shared by every ICL user of the host: a folder per GPU id under a sticky world-writable
 * folder, made with `mkdir` (atomic), holding the claiming supervisor's pid. A claim whose process is
 * gone is stale and taken over.
 */
const gpuClaims = `
claims=/tmp/icl-gpu-claims
claim_gpus() {
  taken=""
  [ "\${count:-0}" -gt 0 ] || return 0
  mkdir -p "$claims" 2>/dev/null && chmod 1777 "$claims" 2>/dev/null
  for gpu in $(echo "$candidates" | tr ',' ' '); do
    [ "$(echo $taken | wc -w)" -ge "$count" ] && break
    claim="$claims/$gpu"
    if ! mkdir "$claim" 2>/dev/null; then
      holder=$(cat "$claim/pid" 2>/dev/null)
      [ -n "$holder" ] && [ ! -d "/proc/$holder" ] || continue
      rm -rf "$claim" 2>/dev/null
      mkdir "$claim" 2>/dev/null || continue
    fi
    echo $$ > "$claim/pid"
    echo "$id" > "$claim/run"
    taken="$taken $gpu"
  done
  if [ "$(echo $taken | wc -w)" -lt "$count" ]; then
    release_gpus
    return 1
  fi
  # NVIDIA GPUs are plain indices, AMD ones amd:<index>: each kind is selected by its own variable.
  nvidia=""; amd=""
  for gpu in $taken; do
    case "$gpu" in
      amd:*) amd="$amd,\${gpu#amd:}" ;;
      *) nvidia="$nvidia,$gpu" ;;
    esac
  done
  if [ -n "$nvidia" ]; then CUDA_VISIBLE_DEVICES="\${nvidia#,}"; export CUDA_VISIBLE_DEVICES; fi
  if [ -n "$amd" ]; then ROCR_VISIBLE_DEVICES="\${amd#,}"; export ROCR_VISIBLE_DEVICES; fi
  return 0
}
release_gpus() {
  for gpu in $taken; do rm -rf "$claims/$gpu"; done
}
`;

/** Prints the GPU indices other runs hold on the host now, one a line. */
export const busyGpusScript = `
for claim in /tmp/icl-gpu-claims/*; do
  [ -d "$claim" ] || continue
  holder=$(cat "$claim/pid" 2>/dev/null)
  if [ -z "$holder" ] || [ -d "/proc/$holder" ]; then echo "\${claim##*/}"; fi
done
`;

/**
 * Started detached (its own session, no terminal) with `$1` the run's directory relative to the home,
 * `$2` the run id, `$3` the timeout in seconds (empty for none), `$4` the grace period in seconds, `$5`
 * the GPU indices it may claim (comma-separated) and `$6` how many. It claims its GPUs (or writes
 * `gpus-busy` and ends when another run took them first), runs `command` (which exports the environment and deletes itself) from `workspace/` with its output
 * appended to `stdout.log` and `stderr.log`, stops the program at its timeout, stops what it left
 * behind once it ends, and writes `exit.json` (exit code, whether it timed out, start and end times)
 * atomically. The connection may drop at any time: nothing here depends on it.
 */
export const superviseScript = `
run="$1"; id="$2"; timeout="$3"; grace="$4"; candidates="$5"; count="$6"
${runProcesses}
${gpuClaims}
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
cd "$HOME/$run" || exit 1
if ! claim_gpus; then : > gpus-busy; exit 0; fi
[ -n "$taken" ] && echo $taken | tr ' ' ',' > gpus
now > started-at
echo $$ > supervisor.pid
cd workspace
sh ../command >> ../stdout.log 2>> ../stderr.log < /dev/null &
program=$!
cd ..
echo "$program" > program.pid
watcher=
if [ -n "$timeout" ]; then
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$timeout" & sleeper=$!
    wait "$sleeper" || exit 0
    : > timed-out
    stop_run
  ) &
  watcher=$!
fi
wait "$program"
code=$?
[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
stop_run
release_gpus
timed=false
[ -f timed-out ] && timed=true
printf '{"exitCode":%d,"timedOut":%s,"startedAt":"%s","endedAt":"%s"}\\n' "$code" "$timed" "$(cat started-at)" "$(now)" > exit.json.tmp
mv exit.json.tmp exit.json
`;

/**
 * Copies the run's cached files into place (`$1` the host's file cache, see `placeCachedFiles`), then
 * starts the supervisor detached from the connection: `$2` the supervise script, `$3`… its arguments.
 * `setsid` where the host has it (every Linux), `nohup` elsewhere; either way no terminal, and its
 * output goes to the run's `supervisor.log`. Prints `started` and the claimed GPUs once the program has
 * started, or `gpus-busy` when its GPUs were taken first.
 */
export const launchScript = `
cache="$1"; shift
script="$1"; shift
run="$1"
placements="$run/files"
cd "$HOME" || exit 1
${placeCachedFiles}
if command -v setsid > /dev/null 2>&1; then detach=setsid; else detach=nohup; fi
$detach sh -c "$script" icl-supervisor "$@" < /dev/null > "$run/supervisor.log" 2>&1 &
tries=0
while [ ! -f "$run/program.pid" ] && [ ! -f "$run/gpus-busy" ] && [ "$tries" -lt 200 ]; do
  sleep 0.05
  tries=$((tries + 1))
done
if [ -f "$run/program.pid" ]; then echo started; cat "$run/gpus" 2>/dev/null; fi
[ -f "$run/gpus-busy" ] && echo gpus-busy
`;

/** Stops every process of run `$2` (directory `$1`), SIGTERM then SIGKILL after `$3` seconds. */
export const stopScript = `
run="$1"; id="$2"; grace="$3"
${runProcesses}
stop_run
`;

/**
 * One look at run directory `$1`: `gone`; `ended` and `exit.json`; `running` and the start time;
 * `starting`; or `lost` (the supervisor is gone and wrote no end: the host restarted, or it was killed).
 */
export const observeScript = `
cd "$HOME/$1" 2>/dev/null || { echo gone; exit 0; }
if [ -f exit.json ]; then echo ended; cat exit.json; exit 0; fi
if [ -f supervisor.pid ] && kill -0 "$(cat supervisor.pid)" 2>/dev/null; then echo running; cat started-at 2>/dev/null; exit 0; fi
if [ -f exit.json ]; then echo ended; cat exit.json; exit 0; fi
if [ ! -f supervisor.pid ]; then echo starting; exit 0; fi
echo lost
`;

/**
 * Returns as soon as run directory `$1` changes (its end written, or its output sizes no longer `$2`
 * and `$3` bytes; `-` for only the end), or after `$4` checks 25 ms apart: following a run costs one round trip per change,
 * not one per fixed interval.
 */
export const waitScript = `
cd "$HOME/$1" 2>/dev/null || exit 0
checks=0
while [ "$checks" -lt "$4" ]; do
  [ -f exit.json ] && exit 0
  [ "$2" = - ] || [ "$(stat -c %s stdout.log stderr.log 2>/dev/null | tr '\\n' ' ')" = "$2 $3 " ] || exit 0
  sleep 0.025
  checks=$((checks + 1))
done
`;
