// Running a peer's command to its end, keeping the tail of its output for the error that names it.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { TestbedPeerError } from './testbed-peer-error.mjs';

/**
 * Runs a command to completion; throws a TestbedPeerError with the end of its output when it fails.
 * @param {string} command
 * @param {string[]} arguments_
 * @param {{ peer: string, environment?: NodeJS.ProcessEnv, outputFile?: string, cwd?: string, input?: string }} options
 * @returns {Promise<string>} the command's output
 */
export function runCommand(command, arguments_, { peer, environment = process.env, outputFile, cwd, input }) {
  return new Promise((resolve, reject) => {
    const output = [];
    let outputLength = 0;
    const outputStream = outputFile ? createWriteStream(outputFile, { flags: 'a' }) : undefined;
    const child = spawn(command, arguments_, {
      env: environment,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    if (input !== undefined) child.stdin.end(input);
    const collect = (chunk) => {
      outputStream?.write(chunk);
      output.push(chunk);
      outputLength += chunk.length;
      while (outputLength > 64 * 1024 && output.length > 1) outputLength -= output.shift().length;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      outputStream?.end();
      reject(new TestbedPeerError(peer, `cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      outputStream?.end();
      const text = Buffer.concat(output).toString('utf8');
      if (code === 0) return resolve(text);
      const commandLine = [command, ...arguments_].join(' ');
      const outcome = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new TestbedPeerError(peer, `\`${commandLine}\` ${outcome}:\n${lastLines(text, 20)}`));
    });
  });
}

export function lastLines(text, count) {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export async function readLastLines(file, count) {
  try {
    return lastLines(await fs.readFile(file, 'utf8'), count);
  } catch (error) {
    return `(cannot read ${file}: ${error.message})`;
  }
}
