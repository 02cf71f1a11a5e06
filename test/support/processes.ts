import { ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Helpers that run the compiled entry points (dist/, built by `pretest`) as users run them. */

const DIST = join(__dirname, '..', '..', 'dist', 'src');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a child: this process's, with overrides; `undefined` removes a variable. */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...overrides };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

export function runEntry(entry: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(DIST, entry), ...args], { env: childEnv(env), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const runCli = (args: string[], env: Record<string, string | undefined> = {}) => runEntry('cli.js', args, env);

export interface RunningServer {
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and resolves with the exit code, or the signal's name when it ended the process. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts an entry point and resolves once its combined output matches `ready`. */
export function startEntry(
  entry: string,
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 60_000,
  /** Its own process group, as a terminal runs it: `stop` then signals the whole group, as Ctrl-C does. */
  options: { group?: boolean } = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(DIST, entry)], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const server: RunningServer = {
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        if (options.group) process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void server.stop('SIGKILL');
      reject(new Error(`${entry} did not become ready in ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready; output:\n${output}`));
    });
  });
}
