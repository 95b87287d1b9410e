import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One chat-completions request as the fake endpoint received it. */
export interface CapturedChatRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: { model?: string; stream?: boolean; messages?: { role: string; content: string }[]; response_format?: unknown; tools?: unknown };
  readonly system: string;
  readonly user: string;
}

/** What the fake model does with a request. */
export type FakeReply =
  | { readonly kind: 'answer'; readonly content: string; readonly chunkSize?: number; readonly finish?: 'stop' | 'length' | 'content_filter' }
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'slow'; readonly content: string; readonly chunkSize: number; readonly chunkDelayMs: number }
  | { readonly kind: 'refusal'; readonly text: string }
  | { readonly kind: 'raw_sse'; readonly lines: readonly string[] }
  | { readonly kind: 'tool_call' };

export type FakeModel = (request: CapturedChatRequest) => FakeReply;

const MODEL = 'fake-model-2026-11';

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_795_000_000, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

function startSse(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * A local OpenAI-compatible endpoint (POST /v1/chat/completions, streaming and not) for tests of the real SDK
 * path: it records every request and answers as scripted, including the failure modes of L4.
 */
export class FakeOpenAiServer {
  readonly requests: CapturedChatRequest[] = [];
  private model: FakeModel;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    model: FakeModel,
  ) {
    this.model = model;
  }

  static async start(model: FakeModel = () => ({ kind: 'status', status: 500 })): Promise<FakeOpenAiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const instance = new FakeOpenAiServer(server, `http://127.0.0.1:${port}/v1`, model);
    server.on('connection', (socket: Socket) => {
      instance.sockets.add(socket);
      socket.on('close', () => instance.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      let raw = '';
      request.setEncoding('utf8');
      request.on('data', (part: string) => (raw += part));
      request.on('end', () => instance.handle(request.url ?? '', request.headers, raw, response));
    });
    return instance;
  }

  respondWith(model: FakeModel): void {
    this.model = model;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(path: string, headers: IncomingHttpHeaders, raw: string, response: ServerResponse): void {
    let body: CapturedChatRequest['body'] = {};
    try {
      body = JSON.parse(raw) as CapturedChatRequest['body'];
    } catch {
      body = {};
    }
    const messages = body.messages ?? [];
    const captured: CapturedChatRequest = {
      path,
      headers,
      raw,
      body,
      system: messages.find((message) => message.role === 'system')?.content ?? '',
      user: messages.find((message) => message.role === 'user')?.content ?? '',
    };
    this.requests.push(captured);
    if (path !== '/v1/chat/completions') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    this.reply(this.model(captured), body.stream === true, response);
  }

  private reply(reply: FakeReply, stream: boolean, response: ServerResponse): void {
    switch (reply.kind) {
      case 'status':
        response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body ?? JSON.stringify({ error: { message: 'scripted failure', type: 'server_error' } }));
        return;
      case 'hang':
        return;
      case 'answer':
        if (!stream) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: MODEL, choices: [{ index: 0, message: { role: 'assistant', content: reply.content, refusal: null }, finish_reason: reply.finish ?? 'stop' }] }));
          return;
        }
        startSse(response);
        response.write(chunk({ role: 'assistant', content: '' }));
        for (const piece of pieces(reply.content, reply.chunkSize ?? 2_048)) response.write(chunk({ content: piece }));
        response.write(chunk({}, reply.finish ?? 'stop'));
        response.end('data: [DONE]\n\n');
        return;
      case 'refusal':
        startSse(response);
        response.write(chunk({ role: 'assistant', refusal: reply.text }));
        response.write(chunk({}, 'stop'));
        response.end('data: [DONE]\n\n');
        return;
      case 'tool_call':
        startSse(response);
        response.write(chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'fetch_url', arguments: '{"url":"https://evil.example"}' } }] }));
        response.write(chunk({}, 'tool_calls'));
        response.end('data: [DONE]\n\n');
        return;
      case 'raw_sse':
        startSse(response);
        for (const line of reply.lines) response.write(line);
        response.end();
        return;
      case 'slow': {
        startSse(response);
        const parts = pieces(reply.content, reply.chunkSize);
        const next = (index: number) => {
          if (response.destroyed || response.writableEnded) return;
          if (index >= parts.length) {
            response.write(chunk({}, 'stop'));
            response.end('data: [DONE]\n\n');
            return;
          }
          response.write(chunk({ content: parts[index] }));
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            next(index + 1);
          }, reply.chunkDelayMs);
          this.timers.add(timer);
        };
        next(0);
        return;
      }
    }
  }
}
