import { relative } from 'node:path';
import { g8CaptureState } from './g8-state';

/**
 * Runs before every test file while G8 captures (jest.preset.js adds it then): names the file in each capture
 * record (and, through the environment, in the records of the processes it spawns), and after the file hands the
 * number of canary values it produced to the capture, for the G8 summary line.
 */
const state = g8CaptureState();
const testFile = relative(process.cwd(), expect.getState().testPath ?? 'unknown');

if (state) {
  state.context = testFile;
  process.env.KAIROS_G8_CONTEXT = testFile;
  afterAll(() => {
    const produced = state.produced ?? 0;
    state.produced = 0;
    if (produced > 0) state.record('produced', testFile, String(produced));
  });
}
