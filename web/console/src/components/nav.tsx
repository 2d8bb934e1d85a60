interface NavProps {
  pages: readonly { path: string; label: string }[];
  current: string;
  user: string;
  onGo(path: string): void;
  onSignOut(): void;
}

/** The console's navigation: one entry per page that exists, who is signed in, and sign-out. */
export function Nav({ pages, current, user, onGo, onSignOut }: NavProps) {
  return (
    <header className="topbar">
      <span className="brand">Cairn</span>
      <nav aria-label="Console">
        <ul>
          {pages.map((p) => (
            <li key={p.path}>
              <a
                href={p.path}
                aria-current={p.path === current ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  onGo(p.path);
                }}
              >
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <span className="user" title="Signed in as">
        {user}
      </span>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
