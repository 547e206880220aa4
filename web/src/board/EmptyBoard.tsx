import { Link } from 'react-router';

/** A board with nothing on it tells a newcomer how requests get here. */
export function EmptyBoard({ isAdmin }: { isAdmin: boolean }) {
  return (
    <div className="empty empty-board">
      <h2>Nothing on its way</h2>
      {isAdmin ? (
        <>
          <p>
            Requests appear here as soon as Jellyseerr, Radarr or Sonarr tell the tracker about them. If you
            have just set it up, point their webhooks at the tracker:
          </p>
          <ol>
            <li>
              Open <Link to="/settings#webhooks">Settings → Webhooks</Link> and copy the URL and password for
              each app.
            </li>
            <li>
              Paste them into Jellyseerr, Radarr, Sonarr and Jellyfin, tick the events listed, and press Test.
            </li>
            <li>Request something in Jellyseerr: it shows up here within seconds.</li>
          </ol>
          <p>
            Finished requests are in <Link to="/history">History</Link>.
          </p>
        </>
      ) : (
        <p>
          Ask for a movie or a show in Jellyseerr and follow it here until it is ready to watch. Finished
          requests are in <Link to="/history">History</Link>.
        </p>
      )}
    </div>
  );
}
