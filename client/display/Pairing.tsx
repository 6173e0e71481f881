import type { DisplayPairing } from '../../protocol';

/**
 * What a screen page without its key shows: a short code, big and calm, readable from across the
 * room. It is a public screen, so it shows nothing else of the show. A technician approves the
 * code in the control panel (Screens → Waiting to pair); the page then plays.
 */
export function PairingCode({ pairing, requestedId }: { pairing: DisplayPairing; requestedId: string }) {
  const { code } = pairing;
  return (
    <div className="pairing" role="status" aria-live="polite" data-testid="pairing" data-code={code}>
      <p className="pairing-label">Pair this screen</p>
      <p className="pairing-code" data-testid="pairing-code" aria-label={`code ${code.split('').join(' ')}`}>
        <span>{code.slice(0, 3)}</span>
        <span>{code.slice(3)}</span>
      </p>
      <p className="pairing-help">
        In the control panel, open <strong>Screens</strong> and approve this code under <strong>Waiting to pair</strong>.
      </p>
      <p className="pairing-id">{requestedId}</p>
    </div>
  );
}
