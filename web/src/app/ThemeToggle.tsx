import { useTheme } from './theme';

export function ThemeToggle() {
  const [theme, toggle] = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button button-quiet theme-toggle"
      onClick={toggle}
      title={`Switch to the ${next} theme`}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      <span className="theme-toggle-text">{next === 'light' ? 'Light theme' : 'Dark theme'}</span>
    </button>
  );
}
