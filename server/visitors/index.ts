/** Visitors: admission, rate limits, validation and per-wall input frames. No sockets here. */
export { VisitorHub } from './hub';
export {
  DEFAULT_HUB_OPTIONS,
  NOT_JOINED,
  type HubCounters,
  type HubOptions,
  type HubOutbox,
  type HubTimers,
  type InputAck,
  type Refusal,
  type Visitor,
  type WallInfo,
} from './options';
export { InputMerger, type MergerCounters, type MergerOptions } from './merger';
export { TokenBucket } from './rate-limit';
export { AckFolder, newFoldSlot, type FoldSlot } from './acks';
export { Admission } from './admission';
export { checkInput, compileInputs, type CheckedInput, type InputRefusal, type InputTable } from './validate';
export { hueOf, publicIdOf } from './identity';
export { InputTickets, TICKET_MS, type Redeemed, type TicketHolder } from './tickets';
