/** Sign-in over REST: the server answers with an HttpOnly session cookie that the socket also uses. */

export type SignInResult = { ok: true } | { ok: false; message: string };

export async function currentRole(): Promise<string | null> {
  try {
    const res = await fetch('/api/session', { credentials: 'same-origin' });
    const body = (await res.json()) as { role?: string | null };
    return body.role ?? null;
  } catch {
    return null;
  }
}

export async function signIn(token: string): Promise<SignInResult> {
  let res: Response;
  try {
    res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch {
    return { ok: false, message: 'The server cannot be reached. Check that it runs and that this device is on its network.' };
  }
  const body = (await res.json().catch(() => null)) as { ok?: boolean; role?: string; error?: { message?: string } } | null;
  if (res.ok && body?.ok) {
    if (body.role !== 'technician') {
      await signOut();
      return { ok: false, message: 'That is the artist token. The control panel needs the technician token.' };
    }
    return { ok: true };
  }
  if (res.status === 429) return { ok: false, message: body?.error?.message ?? 'Too many attempts; wait a minute and try again.' };
  return { ok: false, message: body?.error?.message ?? `Sign-in failed (HTTP ${res.status}).` };
}

export async function signOut(): Promise<void> {
  try {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
  } catch {
    /* offline: the cookie is dropped when it expires */
  }
}
