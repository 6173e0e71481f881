import { createContext } from 'react';
import type { PieceHost, QualityLevel } from '../host';

/** The host whose piece this part of the tree draws (for the fallback's clock). */
export const HostContext = createContext<PieceHost | null>(null);

/**
 * The highest quality this screen's pieces render at, below the wall's setting: a VR station's
 * adaptive quality in a session (client/xr/adaptive.ts). Null (the default): the wall's setting as it resolves.
 */
export const QualityCapContext = createContext<QualityLevel | null>(null);
