import { useCallback, useEffect, useState } from 'react';
import type { ArtistCreated, ArtistInfo } from '../../../protocol';
import { call } from '../rest';
import { toast, toastError, useControl } from '../store';
import { send } from '../link';
import { ConfirmButton, Empty, Section } from '../ui';

/** One token per artist: make one (shown once), list them, revoke one; give a piece to another artist. */
export function ArtistsView() {
  const [artists, setArtists] = useState<ArtistInfo[] | null>(null);
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const reload = useCallback(async () => {
    const res = await call<{ artists: ArtistInfo[] }>('GET', '/api/artists');
    if (res.ok) setArtists(res.artists);
    else toastError('Artists could not be listed', res.error);
  }, []);
  useEffect(() => void reload(), [reload]);

  return (
    <>
      <Section title="New artist">
        <NewArtist
          onMade={(made) => {
            setFresh({ name: made.artist.name, token: made.token });
            void reload();
          }}
        />
        {fresh && <FreshToken name={fresh.name} token={fresh.token} onDone={() => setFresh(null)} />}
      </Section>
      <Section title="Artists">
        {!artists ? (
          <Empty>Loading…</Empty>
        ) : (
          <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 8 }} data-testid="artist-list">
            {artists.map((a) => (
              <ArtistRow key={`${a.name}/${a.createdAt ?? 'config'}`} artist={a} onRevoked={() => void reload()} />
            ))}
          </ul>
        )}
      </Section>
      <Section title="Give a piece to another artist">
        <Transfer artists={artists ?? []} onDone={() => void reload()} />
      </Section>
    </>
  );
}

function NewArtist({ onMade }: { onMade: (made: ArtistCreated) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const valid = /^[a-z0-9][a-z0-9-]{0,63}$/.test(name);
  const make = async () => {
    setBusy(true);
    const res = await call<ArtistCreated>('POST', '/api/artists', { name });
    setBusy(false);
    if (!res.ok) return toastError(`Artist '${name}' was not made`, res.error);
    setName('');
    onMade(res);
  };
  return (
    <form
      className="row wrap"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !busy) void make();
      }}
    >
      <label className="field grow">
        <span>Name (a-z, 0-9, -)</span>
        <input value={name} onChange={(e) => setName(e.target.value.trim().toLowerCase())} placeholder="jane-doe" maxLength={64} data-testid="artist-name" />
      </label>
      <button type="submit" className="primary" disabled={!valid || busy} data-testid="artist-create">
        Make a token
      </button>
    </form>
  );
}

/** The raw token, this once: the server keeps only its hash. */
function FreshToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      toast('warn', 'The browser would not copy', 'Select the token and copy it by hand.');
    }
  };
  return (
    <div className="card" data-testid="artist-token">
      <p>
        The token of <strong>{name}</strong>. It is shown <strong>this once</strong>: copy it now and give it to the artist (they upload with{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>, see docs/artist-guide.md).
      </p>
      <div className="row wrap">
        <input readOnly value={token} className="mono" style={{ flex: '1 1 28em' }} onFocus={(e) => e.currentTarget.select()} aria-label="Token" data-testid="artist-token-value" />
        <button type="button" onClick={() => void copy()} data-testid="artist-token-copy">
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function ArtistRow({ artist, onRevoked }: { artist: ArtistInfo; onRevoked: () => void }) {
  const revoke = async () => {
    const res = await call<object>('DELETE', `/api/artists/${encodeURIComponent(artist.name)}`);
    if (!res.ok) return toastError(`The token of '${artist.name}' was not revoked`, res.error);
    toast('ok', `The token of '${artist.name}' is revoked`, 'Their pieces stay theirs; make a new token to let them upload again.');
    onRevoked();
  };
  return (
    <li className="row wrap" data-testid={`artist-${artist.name}`}>
      <strong>{artist.name}</strong>
      <span className="muted small">
        {artist.source === 'config' ? 'PAVILION_ARTIST_TOKEN' : artist.revokedAt !== null ? `revoked ${new Date(artist.revokedAt).toLocaleString()}` : `since ${new Date(artist.createdAt ?? 0).toLocaleDateString()}`}
        {' · '}
        {artist.pieces.length ? artist.pieces.join(', ') : 'no pieces'}
      </span>
      {artist.source === 'panel' && artist.revokedAt === null && (
        <ConfirmButton onConfirm={() => void revoke()} testId={`artist-revoke-${artist.name}`}>
          Revoke
        </ConfirmButton>
      )}
    </li>
  );
}

function Transfer({ artists, onDone }: { artists: ArtistInfo[]; onDone: () => void }) {
  const uploaded = useControl((s) => s.pieces).filter((p) => p.source === 'uploaded');
  const names = [...new Set(artists.map((a) => a.name))];
  const [pieceId, setPieceId] = useState('');
  const [artist, setArtist] = useState('');
  if (!uploaded.length) return <Empty>No uploaded pieces yet.</Empty>;
  const go = () =>
    void send({ type: 'piece.transfer', pieceId, artist: artist === '' ? null : artist }, 'Transfer').then((ok) => {
      if (ok) {
        toast('ok', `'${pieceId}' now belongs to ${artist || 'no artist (technicians only)'}`);
        onDone();
      }
    });
  return (
    <div className="row wrap">
      <label className="field">
        <span>Piece</span>
        <select value={pieceId} onChange={(e) => setPieceId(e.target.value)} data-testid="transfer-piece">
          <option value="">Pick a piece</option>
          {uploaded.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>To</span>
        <select value={artist} onChange={(e) => setArtist(e.target.value)} data-testid="transfer-artist">
          <option value="">No artist (technicians only)</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!pieceId} onClick={go} data-testid="transfer-go">
        Transfer
      </button>
    </div>
  );
}
