import { useEffect } from 'react';

/** The tab title names the page, which also tells screen-reader users where a navigation landed. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Status Tracker`;
  }, [title]);
}
