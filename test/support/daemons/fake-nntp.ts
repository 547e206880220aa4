/**
 * A fake NNTP server for the real NZBGet (real-clients.md §3): it serves yEnc-encoded articles from
 * memory on 127.0.0.1 and answers `430 No Such Article Found` for any other message id, which makes
 * NZBGet fail a download on health within a second. NZBGet sends `ARTICLE <id>` directly, never
 * `MODE READER`. An article delay keeps a download "in progress" for as long as a test needs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';

const GROUP = 'alt.binaries.test';
const CRLF = Buffer.from('\r\n');

export interface FakeNntp {
  port: number;
  /**
   * Serves `bytes` (or that many random bytes) as one file `<name>.bin` in `segmentSize` articles.
   * The NZB declares each segment's raw size, so NZBGet reports the payload's size as the download's.
   */
  addPayload(input: { name: string; bytes: Uint8Array | number; segmentSize?: number }): {
    nzb: string;
    sizeBytes: number;
  };
  /** An NZB of `segments` articles this server does not have. */
  missingNzb(input: { name: string; segments?: number }): string;
  /** Milliseconds to wait before answering each ARTICLE/BODY (0 by default). */
  setArticleDelay(ms: number): void;
  close(): Promise<void>;
}

/**
 * yEnc: every byte + 42; NUL, LF, CR, `=`, TAB, space (so no line ends in whitespace a reader may
 * strip) and a leading `.` (NNTP's end marker) escaped as `=` + (c + 64); 128 columns a line.
 */
function yenc(data: Uint8Array): Buffer {
  const out: number[] = [];
  let column = 0;
  for (const byte of data) {
    const c = (byte + 42) & 0xff;
    if (c === 0 || c === 9 || c === 10 || c === 13 || c === 32 || c === 61 || (column === 0 && c === 46)) {
      out.push(61, (c + 64) & 0xff);
      column += 2;
    } else {
      out.push(c);
      column += 1;
    }
    if (column >= 128) {
      out.push(13, 10);
      column = 0;
    }
  }
  if (column > 0) out.push(13, 10);
  return Buffer.from(out);
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function nzbOf(name: string, segments: Array<{ id: string; bytes: number }>): string {
  const parts = segments.map(
    (s, i) => `<segment bytes="${s.bytes}" number="${i + 1}">${xml(s.id)}</segment>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<nzb xmlns="http://www.newzbin.com/DTD/2003/nzb">
<file poster="fake@fake.invalid" date="${Math.floor(Date.now() / 1000)}" subject="${xml(`"${name}.bin" yEnc (1/${segments.length})`)}">
<groups><group>${GROUP}</group></groups>
<segments>
${parts.join('\n')}
</segments>
</file>
</nzb>
`;
}

export async function startFakeNntp(options: { articleDelayMs?: number } = {}): Promise<FakeNntp> {
  /** Message id without brackets → head lines and the yEnc body (each ending in CRLF). */
  const articles = new Map<string, { head: Buffer; body: Buffer }>();
  const sockets = new Set<Socket>();
  let delayMs = options.articleDelayMs ?? 0;

  async function answer(socket: Socket, line: string): Promise<void> {
    const [verb = '', arg = ''] = line.trim().split(/\s+/);
    const command = verb.toUpperCase();
    const send = (...parts: Array<string | Buffer>) =>
      socket.write(
        Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(`${part}\r\n`) : part))),
      );
    const code = { ARTICLE: 220, HEAD: 221, BODY: 222, STAT: 223 }[command];
    if (code) {
      const id = arg.replace(/^<|>$/g, '');
      if ((code === 220 || code === 222) && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const article = articles.get(id);
      if (!article) return void send('430 No Such Article Found');
      if (code === 223) return void send(`223 0 <${id}>`);
      if (code === 221) return void send(`221 0 <${id}>`, article.head, '.');
      if (code === 222) return void send(`222 0 <${id}>`, article.body, '.');
      return void send(`220 0 <${id}>`, article.head, CRLF, article.body, '.');
    }
    if (command === 'GROUP') return void send(`211 ${articles.size} 1 ${articles.size} ${arg || GROUP}`);
    if (command === 'AUTHINFO') return void send(arg.toUpperCase() === 'USER' ? '381 More' : '281 Ok');
    if (command === 'MODE') return void send('201 Posting not allowed');
    if (command === 'QUIT') return void socket.end('205 Bye\r\n');
    send('500 Unknown command');
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('200 fake-nntp ready\r\n');
    let buffered = '';
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines)
        queue = queue.then(() => (socket.destroyed ? undefined : answer(socket, line)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();

  return {
    port: typeof address === 'object' && address ? address.port : 0,
    addPayload({ name, bytes, segmentSize = 256 * 1024 }) {
      const data = typeof bytes === 'number' ? randomBytes(bytes) : Buffer.from(bytes);
      const total = Math.max(1, Math.ceil(data.length / segmentSize));
      const segments: Array<{ id: string; bytes: number }> = [];
      for (let part = 1; part <= total; part += 1) {
        const begin = (part - 1) * segmentSize;
        const chunk = data.subarray(begin, begin + segmentSize);
        const id = `${randomBytes(8).toString('hex')}.${part}@fake-nntp.invalid`;
        const file = `${name}.bin`;
        const head = `Newsgroups: ${GROUP}\r\nSubject: "${file}" yEnc (${part}/${total})\r\nMessage-ID: <${id}>\r\n`;
        const body = Buffer.concat([
          Buffer.from(`=ybegin part=${part} total=${total} line=128 size=${data.length} name=${file}\r\n`),
          Buffer.from(`=ypart begin=${begin + 1} end=${begin + chunk.length}\r\n`),
          yenc(chunk),
          Buffer.from(
            `=yend size=${chunk.length} part=${part} pcrc32=${crc32(chunk).toString(16).padStart(8, '0')}\r\n`,
          ),
        ]);
        articles.set(id, { head: Buffer.from(head), body });
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
