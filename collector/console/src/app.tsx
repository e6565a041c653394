import type { Session } from '@stocktake/shared/api';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso/router';
import { ApiError, api } from './api.ts';
import { AdminPage } from './pages/admin.tsx';
import { AssetDetailPage, AssetEditPage, AssetImportPage, AssetsPage } from './pages/assets.tsx';
import { DeviceDetailPage, DevicesPage } from './pages/devices.tsx';
import { FindingDetailPage, FindingsPage } from './pages/findings.tsx';
import { LicenseDetailPage, LicensesPage } from './pages/licenses.tsx';
import { LoginPage } from './pages/login.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { SoftwarePage } from './pages/software.tsx';
import { SessionContext, type SessionState } from './session.tsx';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/devices', label: 'Devices' },
  { href: '/assets', label: 'Assets' },
  { href: '/licenses', label: 'Licenses' },
  { href: '/findings', label: 'Findings' },
  { href: '/software', label: 'Software' },
  { href: '/admin', label: 'Administration' },
] as const;

export function App() {
  return (
    <LocationProvider>
      <Shell />
    </LocationProvider>
  );
}

type Known = { state: 'checking' } | { state: 'out'; notice?: string } | { state: 'in'; session: Session };

/** Asks who is calling once, then shows the login page or the console; a 401 anywhere logs out. */
function Shell() {
  const location = useLocation();
  const [known, setKnown] = useState<Known>({ state: 'checking' });

  useEffect(() => {
    api.get<Session>('/api/v1/session').then(
      (session) => {
        api.useSession(session);
        setKnown({ state: 'in', session });
      },
      () => setKnown({ state: 'out' }),
    );
  }, []);

  useEffect(
    () =>
      api.onSessionExpired(() => {
        api.useSession(null);
        setKnown({ state: 'out', notice: 'Your session has ended. Log in again to go on.' });
      }),
    [],
  );

  const logOut = useCallback(async () => {
    try {
      await api.delete('/api/v1/session');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
    api.useSession(null);
    setKnown({ state: 'out', notice: 'You have logged out.' });
    location.route('/login');
  }, [location]);

  const state = useMemo<SessionState | null>(
    () => (known.state === 'in' ? { session: known.session, canWrite: known.session.role === 'admin', logOut } : null),
    [known, logOut],
  );

  if (known.state === 'checking') return <p class="muted">Loading…</p>;
  if (known.state === 'out' || !state) {
    return (
      <LoginPage
        notice={known.state === 'out' ? known.notice : undefined}
        onLoggedIn={(session) => {
          api.useSession(session);
          setKnown({ state: 'in', session });
          if (location.path === '/login') location.route('/');
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={state}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Stocktake</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={isCurrent(location.path, n.href) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {state.session.name} ({state.session.role})
          <button type="button" onClick={() => void logOut()}>
            Log out
          </button>
        </span>
      </header>
      <main id="main">
        <Router>
          <Route path="/" component={OverviewPage} />
          <Route path="/login" component={OverviewPage} />
          <Route path="/devices" component={DevicesPage} />
          <Route path="/devices/:id" component={DeviceDetailPage} />
          <Route path="/assets" component={AssetsPage} />
          <Route path="/assets/new" component={AssetEditPage} />
          <Route path="/assets/import" component={AssetImportPage} />
          <Route path="/assets/:id/edit" component={AssetEditPage} />
          <Route path="/assets/:id" component={AssetDetailPage} />
          <Route path="/licenses" component={LicensesPage} />
          <Route path="/licenses/:id" component={LicenseDetailPage} />
          <Route path="/findings" component={FindingsPage} />
          <Route path="/findings/:id" component={FindingDetailPage} />
          <Route path="/software" component={SoftwarePage} />
          <Route path="/admin" component={AdminPage} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </SessionContext.Provider>
  );
}

const isCurrent = (path: string, href: string) => (href === '/' ? path === '/' : path.startsWith(href));

function NotFound() {
  return (
    <>
      <h1>Nothing here</h1>
      <p>
        This page does not exist. <a href="/">Back to the overview</a>.
      </p>
    </>
  );
}
