import type { InputSpec, InputValue, ErrorCode } from '../../protocol';

/** A piece's inputs by id, built once per piece switch. */
export type InputTable = ReadonlyMap<string, InputSpec>;

export function compileInputs(specs: readonly InputSpec[]): InputTable {
  return new Map(specs.map((s) => [s.id, s]));
}

export interface CheckedInput {
  input: string;
  value: InputValue;
  /** Discrete inputs (button, text) are also events; continuous ones (xy, tilt, slider) are state only. */
  event: boolean;
  sentAt: number | null;
}

export interface InputRefusal {
  code: ErrorCode;
  message: string;
}

export const TEXT_WIRE_MAX = 40;
// C0 and C1 controls, DEL, and bidi overrides/isolates (they would scramble a word on the wall).
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const round4 = (n: number) => Math.round(n * 10000) / 10000;

function refuse(message: string): InputRefusal {
  return { code: 'bad_request', message };
}

function xy(spec: InputSpec, v: unknown): { x: number; y: number } | InputRefusal {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const { x, y } = v as { x?: unknown; y?: unknown };
    if (typeof x === 'number' && typeof y === 'number' && x >= -1 && x <= 1 && y >= -1 && y <= 1) return { x: round4(x), y: round4(y) };
  }
  return refuse(`input '${spec.id}' takes {x, y}, two numbers between -1 and 1`);
}

/**
 * Checks one phone message against the current piece's inputs. The hot path of the visitor
 * channel: hand-written rather than zod, and no stricter or looser than `VisitorInputMessage`
 * plus the piece's own bounds (tests/unit/visitor-validate.test.ts holds them together).
 */
export function checkInput(table: InputTable, payload: unknown): CheckedInput | InputRefusal {
  if (typeof payload !== 'object' || payload === null) return refuse('an input must be an object {input, value}');
  const { input, value, sentAt } = payload as { input?: unknown; value?: unknown; sentAt?: unknown };
  if (typeof input !== 'string') return refuse('an input needs the id of one of the piece\'s controls in `input`');
  const spec = table.get(input);
  if (!spec) return refuse(`the piece on this wall has no input '${input.slice(0, 64)}'; it may have just changed, so use the controls on screen`);
  if (sentAt !== undefined && (typeof sentAt !== 'number' || !Number.isFinite(sentAt))) return refuse('`sentAt` must be a number (show time in ms)');
  const n = (payload as { n?: unknown }).n;
  if (n !== undefined && !(Number.isSafeInteger(n) && (n as number) >= 0)) return refuse('`n` must be the input\'s number on this phone, a whole number ≥ 0');
  const at = sentAt === undefined ? null : sentAt;
  switch (spec.type) {
    case 'xy':
    case 'tilt': {
      const r = xy(spec, value);
      return 'code' in r ? r : { input, value: r, event: false, sentAt: at };
    }
    case 'slider':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max)
        return refuse(`input '${input}' takes a number between ${spec.min} and ${spec.max}`);
      return { input, value: round4(value), event: false, sentAt: at };
    case 'button':
      if (value !== true) return refuse(`input '${input}' is a button: send true`);
      return { input, value: true, event: true, sentAt: at };
    case 'text': {
      if (typeof value !== 'string' || value.length > TEXT_WIRE_MAX) return refuse(`input '${input}' takes a short text of at most ${spec.maxLength} characters`);
      const text = value.normalize('NFC').trim();
      if (!text) return refuse(`input '${input}' needs some text; it was empty`);
      if (FORBIDDEN_CHARS.test(text)) return refuse(`input '${input}' cannot contain control characters`);
      let chars = 0;
      for (const _ of text) chars++;
      if (chars > spec.maxLength) return refuse(`input '${input}' takes at most ${spec.maxLength} characters`);
      return { input, value: text, event: true, sentAt: at };
    }
  }
}

export function isRefusal(r: CheckedInput | InputRefusal): r is InputRefusal {
  return 'code' in r;
}
