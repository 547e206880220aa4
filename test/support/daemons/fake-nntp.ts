/**
 * A fake NNTP server for the real NZBGet (real-clients.md §3): it serves yEnc-encoded articles from
 * memory on 127.0.0.1 and answers `430 No Such Article Found` for any other message id, which makes
 * NZBGet fail a download on health within a second. NZBGet sends `ARTICLE <id>` directly, without
 * `MODE READER`. An article delay keeps a download "in progress" for as long as a test needs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';

const GROUP = 'alt.binaries.test';
const LINE = 128;

export interface FakeNntp {
  port: number;
  /**
   * Serves `bytes` (or that many random bytes) as one file in `segmentSize` articles. The NZB
   * declares each segment's raw size, so NZBGet reports the payload's size as the download's size.
   */
  addPayload(input: { name: string; bytes: Uint8Array | number; segmentSize?: number }): {
    nzb: string;
    sizeBytes: number;
  };
  /** An NZB of `segments` articles the server does not have. */
  missingNzb(input: { name: string; segments?: number }): string;
  /** Milliseconds to wait before answering each ARTICLE/BODY (0 by default). */
  setArticleDelay(ms: number): void;
  /** ARTICLE/BODY requests answered so far (served or 430). */
  articleRequests(): number;
  close(): Promise<void>;
}

/** yEnc lines: every byte + 42; NUL, LF, CR, `=`, and a leading `.`/space/tab escaped as `=` + (c + 64). */
function yencLines(data: Uint8Array): Buffer[] {
  const lines: Buffer[] = [];
  let line: number[] = [];
  for (const byte of data) {
    const c = (byte + 42) & 0xff;
    const atStart = line.length === 0;
    if (c === 0 || c === 10 || c === 13 || c === 61 || (atStart && (c === 46 || c === 9 || c === 32))) {
      line.push(61, (c + 64) & 0xff);
    } else line.push(c);
    if (line.length >= LINE) {
      lines.push(Buffer.from(line));
      line = [];
    }
  }
  // A trailing space or tab would be stripped by some readers: escape it.
  const last = line.at(-1);
  if (last === 9 || last === 32) line.splice(-1, 1, 61, (last + 64) & 0xff);
  if (line.length > 0) lines.push(Buffer.from(line));
  return lines;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function nzbOf(name: string, segments: Array<{ id: string; bytes: number }>): string {
  const parts = segments
    .map((s, i) => `      <segment bytes="${s.bytes}" number="${i + 1}">${xml(s.id)}</segment>`)
    .join('\n');
  const subject = xml(`"${name}.bin" yEnc (1/${segments.length})`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nzb PUBLIC "-//newzBin//DTD NZB 1.1//EN" "http://www.newzbin.com/DTD/nzb/nzb-1.1.dtd">
<nzb xmlns="http://www.newzbin.com/DTD/2003/nzb">
  <file poster="fake@fake.invalid" date="${Math.floor(Date.now() / 1000)}" subject="${subject}">
    <groups><group>${GROUP}</group></groups>
    <segments>
${parts}
    </segments>
  </file>
</nzb>
`;
}

export async function startFakeNntp(options: { articleDelayMs?: number } = {}): Promise<FakeNntp> {
  /** Message id (without brackets) → the article's head and yEnc body lines. */
  const articles = new Map<string, { head: string; body: Buffer[] }>();
  let delayMs = options.articleDelayMs ?? 0;
  let requests = 0;
  const sockets = new Set<Socket>();

  async function answer(socket: Socket, line: string): Promise<void> {
    const [verb = '', arg = ''] = line.trim().split(/\s+/);
    const send = (text: string) => socket.write(`${text}\r\n`);
    switch (verb.toUpperCase()) {
      case 'ARTICLE':
      case 'BODY':
      case 'HEAD':
      case 'STAT': {
        const id = arg.replace(/^<|>$/g, '');
        const article = articles.get(id);
        if (verb.toUpperCase() === 'ARTICLE' || verb.toUpperCase() === 'BODY') {
          requests += 1;
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
        if (!article) return void send('430 No Such Article Found');
        const code = { ARTICLE: 220, HEAD: 221, BODY: 222, STAT: 223 }[verb.toUpperCase()] ?? 223;
        send(`${code} 0 <${id}>`);
        if (code === 223) return;
        if (code !== 222) socket.write(article.head);
        if (code === 220) socket.write('\r\n');
        if (code !== 221)
          for (const body of article.body) socket.write(Buffer.concat([body, Buffer.from('\r\n')]));
        return void send('.');
      }
      case 'GROUP':
        return void send(`211 ${articles.size} 1 ${articles.size} ${arg || GROUP}`);
      case 'AUTHINFO':
        return void send(
          arg.toUpperCase() === 'USER' ? '381 Password required' : '281 Authentication accepted',
        );
      case 'MODE':
        return void send('200 Posting not allowed');
      case 'QUIT':
        send('205 Bye');
        return void socket.end();
      default:
        return void send('500 What?');
    }
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('200 fake-nntp ready (no posting)\r\n');
    let buffered = '';
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        chain = chain.then(() => (socket.destroyed ? undefined : answer(socket, line)));
        end = buffered.indexOf('\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    addPayload({ name, bytes, segmentSize = 256 * 1024 }) {
      const data = typeof bytes === 'number' ? randomBytes(bytes) : Buffer.from(bytes);
      const total = Math.max(1, Math.ceil(data.length / segmentSize));
      const segments: Array<{ id: string; bytes: number }> = [];
      for (let part = 1; part <= total; part += 1) {
        const begin = (part - 1) * segmentSize;
        const chunk = data.subarray(begin, begin + segmentSize);
        const id = `${randomBytes(8).toString('hex')}.${part}@fake-nntp.invalid`;
        const file = `${name}.bin`;
        const crc = crc32(chunk).toString(16).padStart(8, '0');
        const head = `Path: fake-nntp\r\nFrom: fake@fake.invalid\r\nNewsgroups: ${GROUP}\r\nSubject: "${file}" yEnc (${part}/${total})\r\nMessage-ID: <${id}>\r\n`;
        const body = [
          Buffer.from(`=ybegin part=${part} total=${total} line=${LINE} size=${data.length} name=${file}`),
          Buffer.from(`=ypart begin=${begin + 1} end=${begin + chunk.length}`),
          ...yencLines(chunk),
          Buffer.from(`=yend size=${chunk.length} part=${part} pcrc32=${crc}`),
        ];
        articles.set(id, { head, body });
        segments.push({ id, bytes: chunk.length });
      }
      return { nzb: nzbOf(name, segments), sizeBytes: data.length };
    },
    missingNzb({ name, segments = 2 }) {
      const missing = Array.from({ length: segments }, (_, i) => ({
        id: `${randomBytes(8).toString('hex')}.missing${i + 1}@fake-nntp.invalid`,
        bytes: 300_000,
      }));
      return nzbOf(name, missing);
    },
    setArticleDelay(ms) {
      delayMs = ms;
    },
    articleRequests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
