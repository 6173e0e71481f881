import { describe, expect, it } from 'vitest';
import { defaultPublicUrl } from '../../server/http/public-address';

describe('the default public URL (PAVILION_PUBLIC_URL unset)', () => {
  const lan = () => '192.0.2.7';
  it('is the LAN address when the server listens on every interface', () => {
    expect(defaultPublicUrl('http', '0.0.0.0', 8080, lan)).toBe('http://192.0.2.7:8080');
    expect(defaultPublicUrl('https', '::', 8443, lan)).toBe('https://192.0.2.7:8443');
    expect(defaultPublicUrl('http', undefined, 8080, lan)).toBe('http://192.0.2.7:8080');
  });
  it('is the one address the server listens on otherwise: no other address reaches it', () => {
    expect(defaultPublicUrl('http', '127.0.0.1', 8080, lan)).toBe('http://127.0.0.1:8080');
    expect(defaultPublicUrl('http', '10.1.2.3', 80, lan)).toBe('http://10.1.2.3:80');
    expect(defaultPublicUrl('http', '::1', 8080, lan)).toBe('http://[::1]:8080');
  });
  it('is localhost on a machine with no LAN address', () => {
    expect(defaultPublicUrl('http', '0.0.0.0', 8080, () => null)).toBe('http://localhost:8080');
  });
});
