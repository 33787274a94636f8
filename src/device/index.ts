export type { DeviceModel, ProgrammingError, ReadNoise, Drift, IvCurve } from './model.js';
export { DEFAULT_VERIFY_PULSES } from './model.js';
export { presets, presetNames, devicePreset } from './presets.js';
export { quantizeConductance, programmingSigma, programCells, driftCells, readSigma, cellCurrent } from './program.js';
export type { ProgrammedCells } from './program.js';
export { validateDevice } from './validate.js';
