// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CatalogEntry, Service } from '../api/types';
import { fakeFetch, renderWithApp } from '../test/render';
import { ServiceForm } from './ServiceForm';

afterEach(cleanup);

const CATALOG: CatalogEntry[] = [
  {
    kind: 'radarr',
    displayName: 'Radarr',
    category: 'arr',
    protocol: null,
    fields: [
      { key: 'url', label: 'URL', required: true, secret: false, help: 'http://radarr:7878' },
      { key: 'apiKey', label: 'API key', required: true, secret: true, help: 'Settings → General → API Key' },
    ],
    defaultUrl: 'http://localhost:7878',
    env: {},
    docsUrl: 'https://wiki.servarr.com/radarr',
  },
  {
    kind: 'qbittorrent',
    displayName: 'qBittorrent',
    category: 'download_client',
    protocol: 'torrent',
    fields: [
      { key: 'url', label: 'URL', required: true, secret: false, help: 'http://qbittorrent:8080' },
      { key: 'username', label: 'Username', required: false, secret: false },
      { key: 'password', label: 'Password', required: false, secret: true },
    ],
    defaultUrl: 'http://localhost:8080',
    env: {},
    docsUrl: 'https://github.com/qbittorrent/qBittorrent/wiki',
  },
];

const saved: Service = {
  id: 'svc-1',
  kind: 'radarr',
  name: 'Radarr 4K',
  origin: 'api',
  url: 'http://radarr4k:7878',
  username: null,
  secretsSet: ['apiKey'],
  status: { circuit: 'closed', lastSuccessAt: null, lastErrorAt: null, lastError: null, lastErrorKind: null },
};

describe('ServiceForm', () => {
  it('builds its fields from the catalog and switches them with the kind', async () => {
    const { fetch } = fakeFetch({});
    renderWithApp(<ServiceForm catalog={CATALOG} service={null} onDone={() => {}} />, { fetch });
    expect(screen.getByLabelText('API key')).toBeTruthy();
    expect(screen.queryByLabelText('Username')).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText('Kind'), 'qbittorrent');
    expect(screen.queryByLabelText('API key')).toBeNull();
    expect(screen.getByLabelText('Username')).toBeTruthy();
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('qBittorrent');
  });

  it('names each missing required field and sends nothing', async () => {
    const { fetch, calls } = fakeFetch({});
    renderWithApp(<ServiceForm catalog={CATALOG} service={null} onDone={() => {}} />, { fetch });
    await userEvent.click(screen.getByRole('button', { name: 'Add service' }));
    expect(screen.getByText('URL is required.')).toBeTruthy();
    expect(screen.getByText('API key is required.')).toBeTruthy();
    expect(screen.getByLabelText('URL').getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
  });

  it('adds a service with its kind and typed secret', async () => {
    const { fetch, calls } = fakeFetch({ 'POST /api/services': { status: 201, body: saved } });
    const onDone = vi.fn();
    renderWithApp(<ServiceForm catalog={CATALOG} service={null} onDone={onDone} />, { fetch });
    await userEvent.type(screen.getByLabelText('URL'), 'http://radarr:7878');
    await userEvent.type(screen.getByLabelText('API key'), 'k3y');
    await userEvent.click(screen.getByRole('button', { name: 'Add service' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(saved));
    expect(calls[0]?.body).toEqual({
      kind: 'radarr',
      name: 'Radarr',
      url: 'http://radarr:7878',
      apiKey: 'k3y',
    });
  });

  it('shows a saved secret as set and keeps it when the field is left empty', async () => {
    const { fetch, calls } = fakeFetch({ 'PUT /api/services/svc-1': { status: 200, body: saved } });
    renderWithApp(<ServiceForm catalog={CATALOG} service={saved} onDone={() => {}} />, { fetch });
    const apiKey = screen.getByLabelText('API key') as HTMLInputElement;
    expect(apiKey.value).toBe('');
    expect(apiKey.type).toBe('password');
    expect(document.getElementById(apiKey.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(
      /Set\. Leave empty to keep it\./,
    );
    const name = screen.getByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Radarr UHD');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toEqual({ name: 'Radarr UHD', url: 'http://radarr4k:7878' });
    expect(calls[0]?.body).not.toHaveProperty('apiKey');
  });

  it('says "not set" for a secret that is not stored, and clears one on request', async () => {
    const qb: Service = {
      ...saved,
      id: 'qb-1',
      kind: 'qbittorrent',
      name: 'qBittorrent',
      username: 'admin',
      secretsSet: ['password'],
    };
    const { fetch, calls } = fakeFetch({ 'PUT /api/services/qb-1': { status: 200, body: qb } });
    renderWithApp(<ServiceForm catalog={CATALOG} service={qb} onDone={() => {}} />, { fetch });
    await userEvent.click(screen.getByLabelText('Remove the saved value'));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toEqual({
      name: 'qBittorrent',
      url: 'http://radarr4k:7878',
      username: 'admin',
      password: null,
    });
  });

  it('tests the saved instance when nothing changed, and shows success with the version', async () => {
    const { fetch, calls } = fakeFetch({
      'POST /api/services/svc-1/test': { status: 200, body: { ok: true, version: '5.14.0' } },
    });
    renderWithApp(<ServiceForm catalog={CATALOG} service={saved} onDone={() => {}} />, { fetch });
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/Connected: version 5\.14\.0/),
    );
    expect(calls[0]?.path).toBe('/api/services/svc-1/test');
  });

  it.each([
    ['unreachable', /Could not reach it/],
    ['unauthorized', /refused the credentials/],
    ['bad_response', /something unexpected/],
    ['timeout', /did not answer in time/],
    ['circuit_open', /paused after repeated failures/],
  ])('puts a failed test (%s) into words with the details', async (kind, words) => {
    const { fetch, calls } = fakeFetch({
      'POST /api/services/test': {
        status: 200,
        body: { ok: false, error: { kind, message: 'detail from the app' } },
      },
    });
    renderWithApp(<ServiceForm catalog={CATALOG} service={null} onDone={() => {}} />, {
      fetch,
      csrfToken: 'csrf-9',
    });
    await userEvent.type(screen.getByLabelText('URL'), 'http://radarr:7878');
    await userEvent.type(screen.getByLabelText('API key'), 'k3y');
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(words));
    expect(screen.getByRole('status').textContent).toContain('detail from the app');
    expect(calls[0]?.body).toEqual({
      kind: 'radarr',
      name: 'Radarr',
      url: 'http://radarr:7878',
      apiKey: 'k3y',
    });
    expect(calls[0]?.headers['x-csrf-token']).toBe('csrf-9');
  });

  it('asks for the secret again to test changed settings of a saved instance', async () => {
    const { fetch, calls } = fakeFetch({});
    renderWithApp(<ServiceForm catalog={CATALOG} service={saved} onDone={() => {}} />, { fetch });
    const url = screen.getByLabelText('URL');
    await userEvent.clear(url);
    await userEvent.type(url, 'http://elsewhere:7878');
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(screen.getByText(/To test changed settings, type it again/)).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});
