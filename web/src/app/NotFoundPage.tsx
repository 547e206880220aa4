import { Link } from 'react-router';
import { usePageTitle } from '../ui/usePageTitle';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Back to the board</Link>
      </p>
    </div>
  );
}
