/**
 * The local clock on the base the show clock uses too: milliseconds since the Unix epoch, as
 * `performance.timeOrigin + performance.now()` (monotonic within the page). It imports nothing, so
 * the phone page can use it without pulling socket.io or zod into its bundle.
 */
export const localNow = (): number => performance.timeOrigin + performance.now();
