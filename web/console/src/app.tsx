import { useCallback, useEffect, useState } from 'react';
import { describeError, getSession, logout, type Session } from './api.ts';
import { Nav } from './components/nav.tsx';
import { BucketsPage } from './pages/buckets-page.tsx';
import { LoginPage } from './pages/login-page.tsx';

/** The console's pages; the object browser, identity, monitoring and settings pages join this list. */
export const PAGES = [{ path: '/buckets', label: 'Buckets' }] as const;

function navigate(path: string): void {
  if (window.location.pathname !== path) window.history.pushState(null, '', path);
}

export function App() {
  const [session, setSession] = useState<Session | undefined | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [path, setPath] = useState(window.location.pathname);

  const refresh = useCallback(() => {
    getSession().then(setSession, (err: unknown) => setError(describeError(err)));
  }, []);

  useEffect(() => {
    refresh();
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [refresh]);

  if (error !== undefined) {
    return (
      <main className="page">
        <p role="alert" className="error">
          {error}
        </p>
      </main>
    );
  }
  if (session === null) return <main className="page" aria-busy="true" />;
  if (session === undefined) {
    return (
      <LoginPage
        onSignedIn={() => {
          navigate('/buckets');
          setPath('/buckets');
          refresh();
        }}
      />
    );
  }
  const signOut = async () => {
    try {
      await logout();
    } finally {
      navigate('/login');
      setPath('/login');
      setSession(undefined);
    }
  };
  const page = PAGES.find((p) => p.path === path) ?? PAGES[0];
  // An unknown path (or /login once signed in) shows the first page under its own address.
  if (page.path !== path) window.history.replaceState(null, '', page.path);
  return (
    <div className="shell">
      <Nav
        pages={PAGES}
        current={page.path}
        user={session.user}
        onGo={(to) => {
          navigate(to);
          setPath(to);
        }}
        onSignOut={signOut}
      />
      <main className="page">
        <BucketsPage />
      </main>
    </div>
  );
}
