import fs from 'node:fs';

// libfaketime (Debian's faketime package) shifts the clock of the process it is
// preloaded into: a machine whose clock is wrong, without touching the real one.
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
export const hasFaketime = fs.existsSync(FAKETIME_LIB);

/** Environment that runs a process `offset` off (e.g. '-20m'); monotonic clocks untouched so timers work. */
export function clockOff(offset: string): NodeJS.ProcessEnv {
  return { LD_PRELOAD: FAKETIME_LIB, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_DONT_RESET: '1' };
}
