/*
 * The zod-free corner of the wire contract: ids, patterns, constants and plain types. The phone
 * page (client/visit/) imports only this file, so its bundle stays small (no zod; under 100 KB
 * gzipped, checked by tests/e2e/visit-bundle.test.ts) and types via `import type` from the
 * index. At run time this file imports nothing but ./errors, ./visitor-wire and ./visitor-input (the
 * phone's binary input frames and its input socket's answers), which import nothing else; the types it re-exports from the other files vanish
 * when built.
 * The zod schemas in the other files build on these patterns, so each is written once.
 */

/** Ids of pieces, walls, screens, cues and presets: lower-case, digits and dashes. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const ID_RULE = 'must be 1–64 characters of a-z, 0-9 and "-", starting with a letter or digit';

/** The random id a phone keeps in its storage (its secret; the server shows only a hash of it). */
export const VISITOR_SECRET_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** A colour param's value: #rrggbb. */
export const COLOUR_PATTERN = /^#[0-9a-fA-F]{6}$/;
export const COLOUR_RULE = 'must be a colour like #ff8800';

/** A time of day in the schedule: HH:MM, 24 hours. */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A piece's version: major.minor.patch. */
export const VERSION_PATTERN = /^\d+\.\d+\.\d+$/;
export const VERSION_RULE = 'must be a version like 1.0.0';

/** The languages of the phone page and of localized labels (English is the fallback). */
export const LANGUAGES = ['en', 'fr', 'nl', 'de', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A wall's rendering quality; 'auto' lets each screen pick from its GPU and size. */
export const QUALITY_LEVELS = ['auto', 'low', 'medium', 'high'] as const;

/** Whether this runtime knows `tz` as a time zone (an IANA name like Europe/Brussels). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export { ERROR_CODES, type Ack, type ErrorCode, type WireError } from './errors';
export { ANSWER_FRAME_TAG, INPUT_CLOSE, READY_FRAME, VISITOR_INPUT_PATH, decodeAnswerFrame, decodeInputInto, encodeAnswerFrame, isReadyFrame, newInputSlot, type AnswerFrame, type InputSlot } from './visitor-input';
export { INPUT_FLAG_ANSWER_NOW, INPUT_FRAME_MAX, INPUT_FRAME_TAG, INPUT_KIND, decodeInputFrame, encodeInputFrame, isControlId, isFrameRefusal, isInputFrame, type FrameInput, type FrameRefusal } from './visitor-wire';
// Types with no schema of the same name (those with one, like InputSpec, come from the index with `import type`).
export type { FoldedAck, InputValue, VisitorEvent, VisitorFrame, VisitorState, VisitorView, VisitorWireFrame } from './visitors';
export type { AckOf, ClockPing, PayloadOf, VisitorClientToServer, VisitorServerToClient } from './events';
