// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { summary } from '../test/fixtures';
import { fakeFetch, renderWithApp } from '../test/render';
import { RequestCard } from './RequestCard';

afterEach(cleanup);

const stuck = summary({
  state: 'downloaded',
  progress: null,
  speedBytesPerSecond: null,
  etaSeconds: null,
  problem: {
    code: 'import_blocked',
    message: 'Unable to parse file: The.Matrix.1999.mkv',
    since: new Date(Date.now() - 25 * 60_000).toISOString(),
    actions: ['refresh_downloads', 'force_import'],
  },
});

describe('RequestCard', () => {
  it('is an article named by its title, with a progress bar, speed and ETA', () => {
    const { fetch } = fakeFetch({});
    renderWithApp(<RequestCard request={summary()} canAct />, { fetch });
    const card = screen.getByRole('article', { name: 'The Matrix' });
    const bar = within(card).getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('65');
    expect(card.textContent).toContain('Downloading');
    expect(card.textContent).toContain('5 MB/s');
    expect(card.textContent).toContain('12 min left');
    expect(card.textContent).toContain('Requested by alice');
    expect(within(card).queryByRole('button')).toBeNull();
  });

  it('has no progress bar before anything downloads, and shows TV episode counts in words', () => {
    const { fetch } = fakeFetch({});
    renderWithApp(
      <RequestCard
        request={summary({
          title: 'Severance',
          mediaType: 'tv',
          isAnime: false,
          state: 'approved',
          progress: null,
          speedBytesPerSecond: null,
          etaSeconds: null,
          episodeCounts: { downloading: 5, downloaded: 3, approved: 4 },
        })}
        canAct
      />,
      { fetch },
    );
    const card = screen.getByRole('article', { name: 'Severance' });
    expect(within(card).queryByRole('progressbar')).toBeNull();
    expect(card.textContent).toContain('Approved');
    expect(card.textContent).toContain('5 downloading · 3 downloaded · 4 upcoming');
  });

  it('shows the problem in words, since when, and one button per action', () => {
    const { fetch } = fakeFetch({});
    renderWithApp(<RequestCard request={stuck} canAct />, { fetch });
    const card = screen.getByRole('article', { name: 'The Matrix' });
    expect(card.textContent).toContain('The import is blocked');
    expect(card.textContent).toContain('Unable to parse file: The.Matrix.1999.mkv');
    expect(card.textContent).toContain('noticed 25 minutes ago');
    const buttons = within(card).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([
      'Refresh monitored downloads',
      'Import the completed download',
    ]);
  });

  it('hides the actions from viewers who may not run them', () => {
    const { fetch } = fakeFetch({});
    renderWithApp(<RequestCard request={stuck} canAct={false} />, { fetch });
    const card = screen.getByRole('article', { name: 'The Matrix' });
    expect(card.textContent).toContain('Unable to parse file');
    expect(within(card).queryByRole('button')).toBeNull();
  });

  it('posts the action with the CSRF token and says it is queued', async () => {
    const { fetch, calls } = fakeFetch({
      'POST /api/requests/req-1/actions/refresh_downloads': {
        status: 202,
        body: { id: 7, action: 'refresh_downloads', status: 'pending', created: true },
      },
      'GET /api/requests/req-1': {
        status: 200,
        body: { ...stuck, episodes: [], downloads: [], timeline: [] },
      },
    });
    renderWithApp(<RequestCard request={stuck} canAct />, { fetch, csrfToken: 'token-abc' });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh monitored downloads' }));
    const card = screen.getByRole('article', { name: 'The Matrix' });
    await waitFor(() => expect(within(card).getByRole('status').textContent).toMatch(/^Queued/));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe('/api/requests/req-1/actions/refresh_downloads');
    expect(post?.headers['x-csrf-token']).toBe('token-abc');
  });

  it('says when the same command is already queued', async () => {
    const { fetch } = fakeFetch({
      'POST /api/requests/req-1/actions/force_import': {
        status: 202,
        body: { id: 7, action: 'force_import', status: 'pending', created: false },
      },
    });
    renderWithApp(<RequestCard request={stuck} canAct />, { fetch });
    await userEvent.click(screen.getByRole('button', { name: 'Import the completed download' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Already queued/));
  });

  it('gives the reason when the action does not apply (409)', async () => {
    const { fetch } = fakeFetch({
      'POST /api/requests/req-1/actions/force_import': {
        status: 409,
        body: { error: 'nothing was downloaded yet', code: 'not_applicable' },
      },
    });
    renderWithApp(<RequestCard request={stuck} canAct />, { fetch });
    await userEvent.click(screen.getByRole('button', { name: 'Import the completed download' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('Not possible: nothing was downloaded yet'),
    );
  });

  it('shows a placeholder with the initial when there is no poster', () => {
    const { fetch } = fakeFetch({});
    const { container } = renderWithApp(<RequestCard request={summary()} canAct />, { fetch });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.poster-placeholder')?.textContent).toBe('T');
  });

  it('loads the poster lazily', () => {
    const { fetch } = fakeFetch({});
    const url = 'https://image.tmdb.org/t/p/w300/x.jpg';
    const { container } = renderWithApp(<RequestCard request={summary({ posterUrl: url })} canAct />, {
      fetch,
    });
    const img = container.querySelector('img');
    expect(img?.getAttribute('loading')).toBe('lazy');
    expect(img?.getAttribute('src')).toBe(url);
  });
});
