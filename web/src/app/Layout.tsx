import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useBoard } from '../api/requests.queries';
import { useSignOut, useUser } from '../api/session.queries';
import { ConnectionIndicator } from './ConnectionIndicator';
import { ThemeToggle } from './ThemeToggle';

/** The shell of every signed-in page: skip link, header with navigation, live indicator and account. */
export function Layout() {
  const user = useUser();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const problems = useBoard().data?.items.filter((item) => item.problem).length ?? 0;

  // A new page: close the phone menu and move focus to the content, as a full page load would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation, by path
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="header-inner">
          <NavLink to="/" className="brand" end>
            <span className="brand-mark" aria-hidden="true" />
            Status Tracker
          </NavLink>
          <ConnectionIndicator />
          <button
            type="button"
            className="button button-quiet menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="primary-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span> Menu
          </button>
          <div id="primary-nav" className={`header-menu${menuOpen ? ' is-open' : ''}`}>
            <nav aria-label="Main">
              <ul className="nav-list">
                <li>
                  <NavLink to="/" end>
                    Board
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/problems">
                    Problems
                    {problems > 0 ? (
                      <span className="nav-count">
                        {problems}
                        <span className="visually-hidden"> need attention</span>
                      </span>
                    ) : null}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/history">History</NavLink>
                </li>
                <li>
                  <NavLink to="/health">Health</NavLink>
                </li>
                {user?.isAdmin ? (
                  <li>
                    <NavLink to="/settings">Settings</NavLink>
                  </li>
                ) : null}
              </ul>
            </nav>
            <div className="header-tools">
              <ThemeToggle />
              {user ? (
                <span
                  className="user-name"
                  title={user.via === 'jellyfin' ? 'Signed in with Jellyfin' : 'Local admin'}
                >
                  {user.name}
                </span>
              ) : null}
              <button
                type="button"
                className="button button-quiet"
                disabled={signOut.isPending}
                onClick={() =>
                  signOut.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })
                }
              >
                Sign out
              </button>
            </div>
          </div>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
        <Outlet />
      </main>
    </>
  );
}
