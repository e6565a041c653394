import type { Session } from '@stocktake/shared/api';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface SessionState {
  session: Session;
  /** Admins see write controls; readers never do (and the collector refuses their writes anyway). */
  canWrite: boolean;
  logOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside a logged-in page');
  return state;
}

/** Whether the person may see write controls. */
export function useCanWrite(): boolean {
  return useSession().canWrite;
}
