import { createContext } from 'react';
import type { PieceHost } from '../host';

/** The host whose piece this part of the tree draws (for the fallback's clock). */
export const HostContext = createContext<PieceHost | null>(null);
