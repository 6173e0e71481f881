import { createContext, useContext } from 'react';
import type { PreviewPage } from './page';

export const PreviewContext = createContext<PreviewPage | null>(null);

/** The preview page this component belongs to. */
export function usePreview(): PreviewPage {
  const page = useContext(PreviewContext);
  if (!page) throw new Error('usePreview() must be called inside <PreviewContext.Provider> (client/preview/main.tsx)');
  return page;
}
