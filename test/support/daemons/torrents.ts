/**
 * Fresh random payloads and their .torrent files for real-client tests (real-clients.md: never reuse a
 * torrent across tests on the same daemons). Trackerless: peers are connected by hand (`addPeers`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Bencodable = number | string | Buffer | Bencodable[] | { [key: string]: Bencodable };

/** BEP 3 bencoding; dictionary keys sorted as raw byte strings. */
export function bencode(value: Bencodable): Buffer {
  if (typeof value === 'number') return Buffer.from(`i${Math.trunc(value)}e`);
  if (typeof value === 'string') return bencode(Buffer.from(value));
  if (Buffer.isBuffer(value)) return Buffer.concat([Buffer.from(`${value.length}:`), value]);
  if (Array.isArray(value)) return Buffer.concat([Buffer.from('l'), ...value.map(bencode), Buffer.from('e')]);
  const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Buffer.concat([
    Buffer.from('d'),
    ...keys.flatMap((key) => [bencode(key), bencode(value[key] as Bencodable)]),
    Buffer.from('e'),
  ]);
}

export interface TestTorrent {
  /** File name inside the download folder (single-file torrent). */
  name: string;
  sizeBytes: number;
  /** The .torrent file's bytes. */
  torrent: Buffer;
  /** Info hash, lowercase hex, as the clients report it. */
  hash: string;
}

/**
 * A single-file torrent over `sizeBytes` random bytes. With `writeTo` the payload is written to
 * `writeTo/name` (the seeding side); without it only the .torrent exists (the leeching side).
 */
export function makeTorrent({
  name,
  sizeBytes,
  writeTo,
  pieceLength = 64 * 1024,
}: {
  name: string;
  sizeBytes: number;
  writeTo?: string;
  pieceLength?: number;
}): TestTorrent {
  const payload = randomBytes(sizeBytes);
  if (writeTo) {
    mkdirSync(writeTo, { recursive: true });
    writeFileSync(join(writeTo, name), payload);
  }
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < sizeBytes; offset += pieceLength) {
    pieces.push(
      createHash('sha1')
        .update(payload.subarray(offset, offset + pieceLength))
        .digest(),
    );
  }
  const info = { length: sizeBytes, name, 'piece length': pieceLength, pieces: Buffer.concat(pieces) };
  const torrent = bencode({ 'created by': 'status-tracker tests', info });
  const hash = createHash('sha1').update(bencode(info)).digest('hex');
  return { name, sizeBytes, torrent, hash };
}
