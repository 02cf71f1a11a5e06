// Runs the app (dist/src/main.js) with a V8 CPU profiler that the IPC message 'profile:start' starts and
// 'profile:stop' stops, writing the profile to $CPU_PROFILE_PATH: it then covers the load alone, not the start.
// (`node --cpu-prof` profiles the whole life and writes at exit, and the app ends by re-raising SIGTERM;
// signals are no use either, as Nest's shutdown hooks take SIGUSR2 too.)
const { Session } = require('node:inspector');
const { renameSync, writeFileSync } = require('node:fs');
const { bootstrap, exitOnStartupError } = require('../dist/src/main.js');

const session = new Session();
session.connect();
process.on('message', (message) => {
  if (message === 'profile:start') session.post('Profiler.enable', () => session.post('Profiler.start'));
  if (message !== 'profile:stop') return;
  session.post('Profiler.stop', (error, result) => {
    if (error) throw error;
    // Written whole, then renamed: whoever waits for the file never reads half of it.
    writeFileSync(`${process.env.CPU_PROFILE_PATH}.partial`, JSON.stringify(result.profile));
    renameSync(`${process.env.CPU_PROFILE_PATH}.partial`, process.env.CPU_PROFILE_PATH);
  });
});
process.channel?.unref(); // the IPC channel alone must not keep the app running
bootstrap().catch(exitOnStartupError);
