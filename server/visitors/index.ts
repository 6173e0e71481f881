/** Visitors: admission, rate limits, validation and per-wall input frames. No sockets here. */
export { VisitorHub, DEFAULT_HUB_OPTIONS, NOT_JOINED, type HubOptions, type HubOutbox, type HubTimers, type Visitor, type VisitorStats, type WallInfo, type HubCounters } from './hub';
export { InputMerger, type MergerCounters, type MergerOptions } from './merger';
export { TokenBucket } from './rate-limit';
export { Admission } from './admission';
export { checkInput, compileInputs, type CheckedInput, type InputRefusal, type InputTable } from './validate';
export { hueOf, publicIdOf } from './identity';
