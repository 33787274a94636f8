/** WAV decoding (via `wavefile`) to mono float samples in [-1, 1]. */
import wavefile from 'wavefile';
import { UserError } from '../errors.js';

export interface PcmAudio {
  readonly sampleRate: number;
  /** Mono samples in [-1, 1] (channels averaged). */
  readonly samples: Float32Array;
}

/** Full-scale value for each integer PCM bit depth code of `wavefile`; float codes are already in [-1, 1]. */
const INT_SCALE: Record<string, { scale: number; offset: number }> = {
  '8': { scale: 128, offset: 128 }, // 8-bit PCM is unsigned, centred on 128
  '16': { scale: 32768, offset: 0 },
  '24': { scale: 8388608, offset: 0 },
  '32': { scale: 2147483648, offset: 0 },
};

/** Decodes a PCM (8/16/24/32-bit integer or 32/64-bit float) WAV file; `file` names it in errors. */
export function decodeWav(bytes: Uint8Array, file: string): PcmAudio {
  let wav: InstanceType<typeof wavefile.WaveFile>;
  try {
    wav = new wavefile.WaveFile(bytes);
  } catch (e) {
    throw new UserError(`${file}: not a readable WAV file (${(e as Error).message}).`, 'Fetch a fresh copy of the recording.');
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; blockAlign: number };
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  const code = wav.bitDepth;
  const int = INT_SCALE[code];
  if (!int && code !== '32f' && code !== '64') {
    throw new UserError(`${file}: unsupported WAV sample format '${code}' (need PCM or float).`, 'Convert the file to 16-bit PCM.');
  }
  if (data.samples.length < data.chunkSize || data.chunkSize % fmt.blockAlign !== 0) {
    throw new UserError(
      `${file}: WAV data chunk truncated (${data.samples.length} of ${data.chunkSize} bytes, frame size ${fmt.blockAlign}).`,
      'Fetch a fresh copy of the recording.',
    );
  }
  const channels = fmt.numChannels;
  const raw = wav.getSamples(true, Float64Array) as unknown as Float64Array; // interleaved
  const n = Math.floor(raw.length / channels);
  const out = new Float32Array(n);
  const scale = int ? int.scale : 1;
  const offset = int ? int.offset : 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += raw[i * channels + c];
    out[i] = (s / channels - offset) / scale;
  }
  return { sampleRate: fmt.sampleRate, samples: out };
}
